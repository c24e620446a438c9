export { parseInput, toInputIssues } from './parse-input.js';
export { describeValue } from './describe-value.js';
export { parseSettings, numberSetting, intSetting } from './parse-settings.js';
export type { SettingAliases } from './parse-settings.js';

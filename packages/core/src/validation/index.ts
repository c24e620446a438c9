export { parseInput, toInputIssues } from './parse-input.js';
export { describeValue } from './describe-value.js';
export { parseSettings, numberSetting, intSetting } from './parse-settings.js';
export type { SettingAliases } from './parse-settings.js';
export {
  INVALID_CONFIGURATION_EXIT_CODE,
  invalidConfigurationReport,
  loadConfigurationOrExit,
  logFormatSetting,
  resolveLogFormat,
} from './configuration-report.js';
export type { ConfigurationExit, ConfigurationProblem, InvalidConfigurationReport, LogFormat } from './configuration-report.js';
export { urlWithoutCredentials } from './url-without-credentials.js';
export type { UrlWithoutCredentialsOptions } from './url-without-credentials.js';

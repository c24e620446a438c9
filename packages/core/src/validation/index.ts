export { parseInput, toInputIssues } from './parse-input.js';
export { describeValue } from './describe-value.js';

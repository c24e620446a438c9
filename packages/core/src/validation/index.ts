export { parseInput, toInputIssues } from './parse-input.js';

export * from '../vocabulary/ErrorCategory.js';
export * from './Classification.js';
export { classifyError } from './classifyError.js';
export { redactSecrets } from './redactSecrets.js';
export { registerSecret, registerSecretsOf } from './KnownSecrets.js';

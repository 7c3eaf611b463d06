import type { ErrorCategory } from '../vocabulary/ErrorCategory.js';

// Error class names of the openai and @anthropic-ai/sdk SDKs (they share Stainless's hierarchy),
// DOM/Node aborts, undici, cockatiel, zod and the AWS Bedrock SDK. Exact case: these are class names.
// Choices: ConflictError (409) is `server_error` as its status; ConnectTimeoutError is `network`
// like its code; LengthFinishReasonError is `context_window` (the answer ran out of room, so the
// same call fails again); BulkheadRejectedError is `rate_limited` (local back-pressure).
const NAMES: ReadonlyMap<string, ErrorCategory> = new Map<string, ErrorCategory>([
  ['RateLimitError', 'rate_limited'],
  ['APIConnectionTimeoutError', 'timeout'],
  ['APIConnectionError', 'network'],
  ['APIUserAbortError', 'aborted'],
  ['AuthenticationError', 'auth'],
  ['PermissionDeniedError', 'auth'],
  ['PaymentRequiredError', 'auth'],
  ['BadRequestError', 'bad_request'],
  ['NotFoundError', 'bad_request'],
  ['UnprocessableEntityError', 'bad_request'],
  ['PreconditionFailedError', 'bad_request'],
  ['RequestHeaderFieldsTooLargeError', 'bad_request'],
  ['ConflictError', 'server_error'],
  ['RequestTimeoutError', 'timeout'],
  ['ContentTooLargeError', 'context_window'],
  ['ClientClosedRequestError', 'network'],
  ['InternalServerError', 'server_error'],
  ['NotImplementedError', 'server_error'],
  ['GatewayTimeoutError', 'server_error'],
  ['ServiceUnavailableError', 'overloaded'],
  ['OverloadedError', 'overloaded'],
  ['LengthFinishReasonError', 'context_window'],
  ['ContentFilterFinishReasonError', 'content_policy'],
  ['AbortError', 'aborted'],
  ['TimeoutError', 'timeout'],
  ['ConnectTimeoutError', 'network'],
  ['HeadersTimeoutError', 'timeout'],
  ['BodyTimeoutError', 'timeout'],
  ['SocketError', 'network'],
  ['FetchError', 'network'],
  ['ZodError', 'invalid_response'],
  ['BrokenCircuitError', 'circuit_open'],
  ['IsolatedCircuitError', 'circuit_open'],
  ['HydratingCircuitError', 'circuit_open'],
  ['BulkheadRejectedError', 'rate_limited'],
  ['TaskCancelledError', 'aborted'],
  ['ThrottlingException', 'rate_limited'],
  ['ServiceQuotaExceededException', 'rate_limited'],
  ['ServiceUnavailableException', 'overloaded'],
  ['ModelNotReadyException', 'overloaded'],
  ['ModelTimeoutException', 'timeout'],
  ['InternalServerException', 'server_error'],
  ['AccessDeniedException', 'auth'],
  ['UnrecognizedClientException', 'auth'],
  ['ValidationException', 'bad_request'],
  ['ResourceNotFoundException', 'bad_request'],
  ['ModuleNotFoundError', 'import_failure'],
  ['ImportError', 'import_failure'],
]);

/** The category an error class name stands for; undefined for generic names (`Error`, `APIError`). */
export function nameCategory(name: string): ErrorCategory | undefined {
  return NAMES.get(name);
}

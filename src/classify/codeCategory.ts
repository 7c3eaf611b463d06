import { ERROR_CATEGORIES, type ErrorCategory } from '../vocabulary/ErrorCategory.js';

// Node/undici/axios error codes, SDK body codes/types (openai `code`, anthropic `error.type`),
// gRPC/Google statuses and AWS exception names, lower-cased. Deliberate choices:
// UND_ERR_CONNECT_TIMEOUT and ERR_SOCKET_CONNECTION_TIMEOUT are `network` (the host was never
// reached, nothing was sent); ECONNABORTED is `timeout` (axios's code for its request timeout);
// insufficient_quota/billing_error are `auth` (retrying cannot refill an account);
// ESEMLOCKED (opossum) is `rate_limited` (local back-pressure, not an upstream fault).
const CODE_GROUPS: Readonly<Partial<Record<ErrorCategory, readonly string[]>>> = {
  network: [
    'econnrefused',
    'econnreset',
    'enotfound',
    'eai_again',
    'epipe',
    'ehostunreach',
    'ehostdown',
    'enetunreach',
    'enetdown',
    'eproto',
    'und_err_socket',
    'und_err_closed',
    'und_err_connect_timeout',
    'err_socket_connection_timeout',
    'err_stream_premature_close',
    'err_network',
    'cert_has_expired',
    'unable_to_verify_leaf_signature',
    'unable_to_get_issuer_cert_locally',
    'self_signed_cert_in_chain',
    'depth_zero_self_signed_cert',
    'err_tls_cert_altname_invalid',
  ],
  timeout: [
    'etimedout',
    'esockettimedout',
    'etime',
    'econnaborted',
    'und_err_headers_timeout',
    'und_err_body_timeout',
    'request-timeout',
    'body-timeout',
    'request_timeout',
    'timeout_error',
    'deadline_exceeded',
    'modeltimeoutexception',
  ],
  import_failure: [
    'err_module_not_found',
    'module_not_found',
    'err_package_path_not_exported',
    'err_package_import_not_defined',
    'err_unsupported_dir_import',
    'err_unknown_file_extension',
    'err_unknown_module_format',
    'err_require_esm',
    'err_invalid_package_config',
    'err_invalid_package_target',
    'err_unsupported_esm_url_scheme',
    'err_import_attribute_missing',
    'err_import_assertion_type_missing',
  ],
  circuit_open: ['eopenbreaker', 'eshutdown'],
  aborted: ['abort_err', 'err_canceled', 'ecanceled', 'canceled', 'cancelled'],
  rate_limited: [
    'rate_limit_exceeded',
    'rate_limit_error',
    'too_many_requests',
    'resource_exhausted',
    'throttling',
    'throttlingexception',
    'servicequotaexceededexception',
    'esemlocked',
  ],
  overloaded: [
    'overloaded_error',
    'engine_overloaded',
    'service_unavailable',
    'unavailable',
    'serviceunavailableexception',
    'modelnotreadyexception',
  ],
  server_error: [
    'api_error',
    'server_error',
    'internal_error',
    'internal',
    'internal_server_error',
    'internalserverexception',
  ],
  auth: [
    'authentication_error',
    'permission_error',
    'invalid_api_key',
    'invalid_authentication',
    'unauthenticated',
    'permission_denied',
    'account_deactivated',
    'insufficient_quota',
    'billing_error',
    'billing_hard_limit_reached',
    'accessdeniedexception',
    'unrecognizedclientexception',
  ],
  bad_request: [
    'invalid_request_error',
    'not_found_error',
    'model_not_found',
    'invalid_argument',
    'not_found',
    'validationexception',
    'resourcenotfoundexception',
  ],
  context_window: [
    'context_length_exceeded',
    'context_window_exceeded',
    'model_context_window_exceeded',
    'request_too_large',
  ],
  content_policy: [
    'content_filter',
    'content_policy_violation',
    'responsible_ai_policy_violation',
    'moderation_blocked',
    'prohibited_content',
    'safety',
  ],
};

// Lower- and upper-case keys, so the usual spellings (`econnreset`, `ECONNRESET`) hit without
// allocating a lower-cased copy; only mixed case (`ThrottlingException`) pays for toLowerCase.
const CODES = new Map<string, ErrorCategory>();
for (const category of ERROR_CATEGORIES) {
  // A code spelled like a category (`code: 'rate_limited'`) means that category.
  if (category !== 'unknown') CODES.set(category, category);
}
for (const [category, codes] of Object.entries(CODE_GROUPS) as [ErrorCategory, readonly string[]][]) {
  for (const code of codes) CODES.set(code, category);
}
for (const [code, category] of [...CODES]) CODES.set(code.toUpperCase(), category);

/** The category an error code or SDK error type stands for, case-insensitively; undefined if unknown. */
export function codeCategory(code: string): ErrorCategory | undefined {
  if (code.length > 64) return undefined;
  return CODES.get(code) ?? CODES.get(code.toLowerCase());
}

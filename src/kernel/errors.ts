/**
 * The one error catalogue. Domain code throws AppError with a stable snake_case code; the HTTP edge maps the
 * code to a status (see httpStatusOf) and renders one JSON shape: { error, message, details? }.
 * Domain code never knows about HTTP.
 */
export const ERROR_CATALOGUE = {
  not_found: { status: 404, en: 'Not found', zh: '未找到' },
  standard_not_found: { status: 404, en: 'No standard with this number or id', zh: '未找到该标准' },
  invalid_identifier: { status: 400, en: 'The identifier does not parse', zh: '无法识别的标准号' },
  invalid_query: { status: 400, en: 'Invalid query parameter', zh: '查询参数无效' },
  invalid_input: { status: 400, en: 'Invalid input', zh: '输入无效' },
  invalid_config: { status: 500, en: 'Invalid configuration', zh: '配置无效' },
  unknown_importer: { status: 400, en: 'No importer with this name', zh: '没有该名称的导入器' },
  import_failed: { status: 422, en: 'The import failed', zh: '导入失败' },
  payload_too_large: { status: 413, en: 'Request body too large', zh: '请求体过大' },
  rate_limited: { status: 429, en: 'Too many requests', zh: '请求过于频繁' },
  internal_error: { status: 500, en: 'Internal error', zh: '内部错误' },
  text_not_found: { status: 404, en: 'No full text is stored for this standard', zh: '该标准没有全文' },
  text_not_disclosed: { status: 403, en: 'The text of this standard is not disclosed', zh: '该标准文本不公开' },
  download_not_allowed: { status: 403, en: 'This standard may be read online but not downloaded', zh: '该标准仅可在线阅读，不可下载' },
  unauthenticated: { status: 401, en: 'Sign in to continue', zh: '请先登录' },
  forbidden: { status: 403, en: 'You do not have permission to do this', zh: '您没有执行此操作的权限' },
  csrf_failed: { status: 403, en: 'The form has expired or did not come from this site; reload and try again', zh: '表单已过期或来源无效，请刷新后重试' },
  invalid_credentials: { status: 401, en: 'Wrong e-mail address or password', zh: '电子邮箱或密码错误' },
  invalid_token: { status: 401, en: 'The API token is unknown, expired or revoked', zh: 'API 令牌无效、已过期或已吊销' },
  email_not_verified: { status: 403, en: 'Verify your e-mail address first', zh: '请先验证电子邮箱' },
  conflict: { status: 409, en: 'The object was changed or already exists', zh: '对象已被修改或已存在' },
  invalid_transition: { status: 409, en: 'This change is not allowed in the current state', zh: '当前状态下不允许此操作' },
  pdf_font_missing: { status: 500, en: 'The CJK font for PDF output is missing', zh: '缺少生成 PDF 所需的中文字体' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error with a stable code from ERROR_CATALOGUE; `details` is safe to show to the client. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CATALOGUE[code].en);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/** HTTP status for a catalogue code (used only by the web/API edge). */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

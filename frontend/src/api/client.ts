// One small client for the Portrait REST API (base /api/v1).
// Errors are RFC 9457 problem documents; they surface as ApiError with per-field messages.
// A 401 triggers one refresh (through the hook the auth store registers) and one retry.

import { parseRetryAfter, tooManyAttempts } from './wait'

export const API_BASE = '/api/v1'

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  errors?: Record<string, unknown>
  [key: string]: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  /** One human sentence per invalid field, keyed by field name. */
  readonly fields: Record<string, string>
  /** Seconds from Retry-After, when the server asked us to wait. */
  readonly retryAfter?: number

  constructor(status: number, problem: Problem, retryAfter?: string | null) {
    const seconds = parseRetryAfter(retryAfter)
    // A rate limit's detail is the server's wording of the limit; people want the wait.
    super(
      status === 429
        ? tooManyAttempts(seconds)
        : problem.detail || problem.title || `Request failed (${status})`,
    )
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
    this.fields = flattenFieldErrors(problem.errors)
    if (seconds !== undefined) this.retryAfter = seconds
  }

  /** The last segment of the problem type: "urn:portrait:problem:avatar-rejected" (or a URL
   * ending in /avatar-rejected) is "avatar-rejected". */
  get kind(): string {
    return (this.problem.type ?? '').split(/[/:]/).pop() ?? ''
  }
}

// marshmallow nests messages: {"email": ["Not a valid email."]}, {"json": {"email": [...]}}.
function flattenFieldErrors(errors: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      out[key] ??= value
    } else if (Array.isArray(value)) {
      value.forEach((item) => walk(item, key))
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // Location keys (json, form, files, query, headers) are not field names.
        walk(v, ['json', 'form', 'files', 'query', 'headers'].includes(k) ? key : k)
      }
    }
  }
  walk(errors, '_')
  return out
}

export interface AuthHooks {
  /** The current access token (memory only), if any. */
  token: () => string | null
  /** Gets a fresh access token; resolves false when the session is over. */
  refresh: () => Promise<boolean>
}

let hooks: AuthHooks = { token: () => null, refresh: async () => false }

export function setAuthHooks(next: AuthHooks) {
  hooks = next
}

export interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
  /** Skip the bearer token and the refresh-and-retry (auth endpoints). */
  anonymous?: boolean
}

export interface ApiResponse<T> {
  data: T
  headers: Headers
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  let response = await send(method, path, options)
  if (response.status === 401 && !options.anonymous && (await hooks.refresh())) {
    response = await send(method, path, options)
  }
  if (!response.ok) throw await toApiError(response)
  const data = (response.status === 204 ? undefined : await readBody(response)) as T
  return { data, headers: response.headers }
}

/** A binary resource (a moderation image) fetched with the bearer token, as a Blob. */
export async function requestBlob(path: string): Promise<Blob> {
  let response = await send('GET', path, {})
  if (response.status === 401 && (await hooks.refresh())) response = await send('GET', path, {})
  if (!response.ok) throw await toApiError(response)
  return response.blob()
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
  const token = options.anonymous ? null : hooks.token()
  if (token) headers.Authorization = `Bearer ${token}`
  let body: BodyInit | undefined
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  try {
    return await fetch(API_BASE + path, { method, headers, body, credentials: 'same-origin' })
  } catch {
    throw networkError()
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text()
  return text ? JSON.parse(text) : undefined
}

export async function toApiError(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText }
  try {
    const parsed = await readBody(response)
    if (parsed && typeof parsed === 'object') problem = parsed as Problem
  } catch {
    // A proxy's HTML error page: keep the status line.
  }
  return new ApiError(response.status, problem, response.headers.get('Retry-After'))
}

export type Progress = (fraction: number) => void

/**
 * Uploads a file with XMLHttpRequest, because fetch cannot report upload progress.
 * onProgress gets 0..1 while the bytes go out; the server then checks and frames the photo.
 */
export async function upload<T>(
  method: string,
  path: string,
  file: Blob,
  onProgress?: Progress,
): Promise<T> {
  let result = await sendFile(method, path, file, onProgress)
  if (result.status === 401 && (await hooks.refresh())) {
    result = await sendFile(method, path, file, onProgress)
  }
  const body = result.text ? safeJson(result.text) : undefined
  if (result.status >= 200 && result.status < 300) return body as T
  const problem = (body as Problem) ?? { status: result.status, title: 'Upload failed' }
  throw new ApiError(result.status, problem, result.retryAfter)
}

interface XhrResult {
  status: number
  text: string
  retryAfter: string | null
}

function sendFile(
  method: string,
  path: string,
  file: Blob,
  onProgress?: Progress,
): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(method, API_BASE + path)
    xhr.setRequestHeader('Accept', 'application/json')
    const token = hooks.token()
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total)
    }
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        text: xhr.responseText,
        retryAfter: xhr.getResponseHeader('Retry-After'),
      })
    xhr.onerror = () => reject(networkError())
    const form = new FormData()
    form.append('file', file)
    xhr.send(form)
  })
}

function networkError(): ApiError {
  const detail = 'Could not reach Portrait. Check your connection and try again.'
  return new ApiError(0, { title: 'Network error', detail })
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

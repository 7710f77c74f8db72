// A scripted stand-in for the API over fetch and XMLHttpRequest, for unit tests.
import { vi } from 'vitest'

import type { Profile } from '@/api/types'

export interface Reply {
  status?: number
  body?: unknown
  headers?: Record<string, string>
}

export interface Call {
  method: string
  /** Under /api/v1, without the query string (see `query`). */
  path: string
  query: URLSearchParams
  headers: Record<string, string>
  body: unknown
}

type Handler = Reply | ((call: Call) => Reply | Promise<Reply>)

/**
 * Routes "METHOD /path" (under /api/v1) to replies; a list of replies is used in order.
 * A handler may return a promise to hold the reply. Uploads report `uploadProgress` (fractions
 * of the body sent) before the reply.
 */
export function fakeApi(
  routes: Record<string, Handler | Handler[]>,
  { uploadProgress = [0.5, 1] }: { uploadProgress?: number[] } = {},
) {
  const calls: Call[] = []
  const queues = new Map(Object.entries(routes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]))

  async function answer(request: Omit<Call, 'query'>): Promise<Reply> {
    const [path = '', query] = request.path.split('?')
    const call = { ...request, path, query: new URLSearchParams(query) }
    calls.push(call)
    const route = queues.get(`${call.method} ${call.path}`)
    const handler = Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route
    if (!handler) return { status: 404, body: { title: 'Not Found', status: 404 } }
    return typeof handler === 'function' ? handler(call) : handler
  }

  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const reply = await answer({
      method: init.method ?? 'GET',
      path: url.replace('/api/v1', ''),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    })
    const status = reply.status ?? 200
    const type = status >= 400 ? 'application/problem+json' : 'application/json'
    const text = reply.body === undefined ? null : JSON.stringify(reply.body)
    return new Response(status === 204 ? null : text, {
      status,
      headers: { 'Content-Type': type, ...reply.headers },
    })
  })
  vi.stubGlobal('fetch', fetch)

  // XMLHttpRequest as the upload path uses it: progress events, then one load event.
  class FakeXhr {
    upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null }
    onload: (() => void) | null = null
    onerror: (() => void) | null = null
    status = 0
    responseText = ''
    private method = ''
    private path = ''
    private headers: Record<string, string> = {}
    private replyHeaders: Record<string, string> = {}
    open(method: string, url: string) {
      this.method = method
      this.path = url.replace('/api/v1', '')
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value
    }
    getResponseHeader(name: string) {
      return this.replyHeaders[name] ?? null
    }
    send(body: FormData) {
      const call = { method: this.method, path: this.path, headers: this.headers, body }
      queueMicrotask(async () => {
        for (const fraction of uploadProgress) {
          const event = { lengthComputable: true, loaded: fraction * 100, total: 100 }
          this.upload.onprogress?.(event as ProgressEvent)
        }
        const reply = await answer(call)
        this.status = reply.status ?? 200
        this.responseText = reply.body === undefined ? '' : JSON.stringify(reply.body)
        this.replyHeaders = reply.headers ?? {}
        this.onload?.()
      })
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr)

  return { calls, fetch }
}

export const problem = (status: number, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { type: 'about:blank', title: 'Error', status, ...extra },
})

/** A complete /me document, as the API sends it. */
export const aProfile = (changes: Partial<Profile> = {}): Profile => {
  const base: Profile = {
    id: 'u1',
    handle: 'ada',
    display_name: 'Ada',
    email: 'ada@example.com',
    email_verified: true,
    totp_enabled: false,
    role: 'user',
    bio: '',
    location: '',
    website: '',
    avatar: null,
    default_avatar: {
      urls: Object.fromEntries(
        ['512', '256', '128', '64'].map((s) => [s, '/media/default/206/A.svg']),
      ),
      default: true,
    },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  }
  return { ...base, ...changes } as Profile // the tests' Partials leave keys out, never undefined
}

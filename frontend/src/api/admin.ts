// Typed calls for admins: accounts (search, suspend, remove a picture) and the audit log.
import { request } from './client'
import type { AdminUser, AdminUserPage, AuditPage } from './types'

const json = <T>(promise: Promise<{ data: T }>) => promise.then((r) => r.data)

/** "?q=..&cursor=.." of the values that are set ("" when none is). */
function queryString(params: Record<string, string | null | undefined>): string {
  const set = Object.entries(params).filter((entry): entry is [string, string] => !!entry[1])
  return set.length ? `?${new URLSearchParams(set)}` : ''
}

const userUrl = (id: string, what: string) => `/admin/users/${encodeURIComponent(id)}/${what}`

/** Accounts, oldest first; `q` is the start of a handle or an email. */
export const listUsers = (q?: string | null, cursor?: string | null) =>
  json(request<AdminUserPage>('GET', `/admin/users${queryString({ q, cursor })}`))

export const suspendUser = (id: string, reason: string) =>
  json(request<AdminUser>('POST', userUrl(id, 'suspension'), { body: { reason } }))

export const unsuspendUser = (id: string) =>
  json(request<AdminUser>('DELETE', userUrl(id, 'suspension')))

export const removeUserAvatar = (id: string, reason: string) =>
  json(request<AdminUser>('DELETE', userUrl(id, 'avatar'), { body: { reason } }))

/** The audit log, newest first. */
export const readAudit = (cursor?: string | null) =>
  json(request<AuditPage>('GET', `/admin/audit${queryString({ cursor })}`))

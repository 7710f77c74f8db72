// Typed calls for moderation: appeals, reports, the moderators' queue and its decisions.
import { API_BASE, request, requestBlob } from './client'
import type { Decision, ModerationItem, QueuePage, ReportInput } from './types'

const json = <T>(promise: Promise<{ data: T }>) => promise.then((r) => r.data)

/** Asks a person to look at the caller's latest refused picture (kept only then). */
export const appealAvatar = (note: string) =>
  json(request<{ id: string; state: string }>('POST', '/me/avatar/appeal', { body: { note } }))

export const reportProfile = (handle: string, input: ReportInput) =>
  json(request('POST', `/profiles/${encodeURIComponent(handle)}/reports`, { body: input }))

export const readQueue = (cursor?: string | null) =>
  json(request<QueuePage>('GET', `/moderation/queue${cursor ? `?cursor=${cursor}` : ''}`))

export const decideItem = (id: string, decision: Decision) =>
  json(request<ModerationItem>('POST', `/moderation/items/${id}/decision`, { body: decision }))

/** The item's picture: moderators only, so it comes with the bearer token, as a Blob. */
export const readItemImage = (imageUrl: string) =>
  requestBlob(imageUrl.startsWith(API_BASE) ? imageUrl.slice(API_BASE.length) : imageUrl)

// Typed calls for the admins' webhook endpoints (/admin/webhooks) and their delivery logs.
import { request } from './client'
import type { Delivery, Webhook, WebhookCreate, WebhookUpdate, WebhookWithSecret } from './types'

const json = <T>(promise: Promise<{ data: T }>) => promise.then((r) => r.data)
const BASE = '/admin/webhooks'
// Ids are the API's own (an ObjectId; a delivery's "sink:event id"): safe in a path as they are.
const one = (id: string) => `${BASE}/${id}`

export const listWebhooks = () => json(request<{ items: Webhook[] }>('GET', BASE))

export const readWebhook = (id: string) => json(request<Webhook>('GET', one(id)))

export const createWebhook = (input: WebhookCreate) =>
  json(request<WebhookWithSecret>('POST', BASE, { body: input }))

export const updateWebhook = (id: string, changes: WebhookUpdate) =>
  json(request<Webhook>('PATCH', one(id), { body: changes }))

export const deleteWebhook = (id: string) => request<void>('DELETE', one(id))

export const rotateSecret = (id: string) =>
  json(request<WebhookWithSecret>('POST', `${one(id)}/rotate-secret`))

export const listDeliveries = (id: string, limit = 20) =>
  json(request<{ items: Delivery[] }>('GET', `${one(id)}/deliveries?limit=${limit}`))

export const redeliver = (id: string, deliveryId: string) =>
  json(request<Delivery>('POST', `${one(id)}/deliveries/${deliveryId}/redeliver`))

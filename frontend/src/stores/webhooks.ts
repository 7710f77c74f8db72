import { ref } from 'vue'
import { defineStore } from 'pinia'

import * as api from '@/api/webhooks'
import type {
  Delivery,
  Webhook,
  WebhookCreate,
  WebhookUpdate,
  WebhookWithSecret,
} from '@/api/types'

/** A signing secret just made, by registration or rotation: shown once, then forgotten. */
export interface RevealedSecret {
  endpointId: string
  url: string
  secret: string
}

/** The admins' webhook endpoints, each one's latest deliveries, and a secret shown once. */
export const useWebhooksStore = defineStore('webhooks', () => {
  const endpoints = ref<Webhook[]>([])
  const deliveries = ref<Record<string, Delivery[]>>({})
  const loaded = ref(false)
  const revealed = ref<RevealedSecret | null>(null)

  async function load() {
    endpoints.value = (await api.listWebhooks()).items
    loaded.value = true
    // Each endpoint's latest deliveries: the list shows how the last one went.
    await Promise.all(endpoints.value.map((endpoint) => loadDeliveries(endpoint.id)))
  }

  async function loadDeliveries(id: string) {
    deliveries.value[id] = (await api.listDeliveries(id)).items
  }

  /** The endpoint (is it failing now?) and its latest deliveries, read again. */
  async function refresh(id: string) {
    const [endpoint] = await Promise.all([api.readWebhook(id), loadDeliveries(id)])
    replace(endpoint)
  }

  // The secret goes to `revealed` only; the endpoint kept in the list never holds it.
  function keep({ secret, ...endpoint }: WebhookWithSecret) {
    revealed.value = { endpointId: endpoint.id, url: endpoint.url, secret }
    replace(endpoint)
  }

  function replace(endpoint: Webhook) {
    const index = endpoints.value.findIndex((other) => other.id === endpoint.id)
    if (index === -1) endpoints.value.push(endpoint)
    else endpoints.value[index] = endpoint
  }

  async function register(input: WebhookCreate) {
    const endpoint = await api.createWebhook(input)
    deliveries.value[endpoint.id] = []
    keep(endpoint)
  }

  async function update(id: string, changes: WebhookUpdate) {
    replace(await api.updateWebhook(id, changes))
  }

  async function rotate(id: string) {
    keep(await api.rotateSecret(id))
  }

  async function remove(id: string) {
    await api.deleteWebhook(id)
    endpoints.value = endpoints.value.filter((endpoint) => endpoint.id !== id)
    delete deliveries.value[id]
    if (revealed.value?.endpointId === id) revealed.value = null
  }

  async function redeliver(id: string, deliveryId: string) {
    const again = await api.redeliver(id, deliveryId)
    deliveries.value[id] = (deliveries.value[id] ?? []).map((d) => (d.id === again.id ? again : d))
  }

  function forgetSecret() {
    revealed.value = null
  }

  return {
    endpoints,
    deliveries,
    loaded,
    revealed,
    load,
    loadDeliveries,
    refresh,
    register,
    update,
    rotate,
    remove,
    redeliver,
    forgetSecret,
  }
})

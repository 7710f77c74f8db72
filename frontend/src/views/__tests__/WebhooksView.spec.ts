import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi, problem } from '@/api/__tests__/http'
import { aDelivery, aWebhook } from '@/api/__tests__/webhooks'
import { useAuthStore } from '@/stores/auth'
import { fieldByLabel } from '@/views/__tests__/fields'
import WebhooksView from '@/views/WebhooksView.vue'

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function mounted() {
  // Attached to the document: the tests look at where the focus goes.
  const wrapper = mount(WebhooksView, {
    global: { stubs: { RouterLink: RouterLinkStub } }, // the Admin sub-navigation
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

const field = fieldByLabel

describe('WebhooksView', () => {
  it('says what a webhook is when there is none', async () => {
    fakeApi({ 'GET /admin/webhooks': { body: { items: [] } } })
    const wrapper = await mounted()
    expect(wrapper.get('[data-test="no-webhooks"]').text()).toContain('No webhooks yet')
    expect(wrapper.text()).toContain('docs/events.md')
  })

  it('registers with the ticked event types and shows the secret once', async () => {
    const { calls } = fakeApi({
      'GET /admin/webhooks': { body: { items: [] } },
      'POST /admin/webhooks': (call) => ({
        status: 201,
        body: { ...aWebhook(call.body as object), secret: 'whsec_c2VjcmV0' },
      }),
    })
    const wrapper = await mounted()
    const boxes = wrapper.findAll('[data-test="event-type"]')
    expect(boxes.map((b) => (b.element as HTMLInputElement).value)).toContain(
      'portrait.user.created',
    ) // the catalogue comes from the OpenAPI document
    await field(wrapper, 'URL').setValue('https://crm.example/hook')
    await boxes
      .find((b) => (b.element as HTMLInputElement).value === 'portrait.user.created')!
      .setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)!.body).toEqual({
      url: 'https://crm.example/hook',
      event_types: ['portrait.user.created'],
      description: '',
    })
    const secret = wrapper.get('[data-test="secret"]')
    expect(secret.get('[data-test="secret-value"]').text()).toBe('whsec_c2VjcmV0')
    expect(secret.text()).toContain('you will not see this again')
    expect(document.activeElement?.id).toBe('secret-heading')
    await secret.get('[data-test="secret-done"]').trigger('click')
    expect(wrapper.find('[data-test="secret"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('whsec_')
    expect(wrapper.get('[data-test="webhook"]').text()).toContain('https://crm.example/hook')
  })

  it('shows the SSRF guard’s refusal at the URL field', async () => {
    const detail = 'The URL points to a private, loopback or link-local address.'
    fakeApi({
      'GET /admin/webhooks': { body: { items: [] } },
      'POST /admin/webhooks': problem(400, { detail, errors: { json: { url: [detail] } } }),
    })
    const wrapper = await mounted()
    await field(wrapper, 'URL').setValue('http://10.0.0.1/hook')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const url = field(wrapper, 'URL')
    expect(url.attributes('aria-invalid')).toBe('true')
    expect(wrapper.text()).toContain(detail)
    expect(document.activeElement).toBe(url.element)
    expect(wrapper.find('[data-test="webhook"]').exists()).toBe(false)
  })

  it('asks before deleting: focus moves in, Escape cancels and returns it', async () => {
    const { calls } = fakeApi({
      'GET /admin/webhooks': { body: { items: [aWebhook()] } },
      'GET /admin/webhooks/h1/deliveries': { body: { items: [] } },
      'DELETE /admin/webhooks/h1': { status: 204 },
    })
    const wrapper = await mounted()
    await wrapper.get('[data-test="delete"]').trigger('click')
    await flushPromises()
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel')
    await wrapper.get('[role="group"]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-test="delete"]').element)
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    await wrapper.get('[data-test="delete"]').trigger('click')
    await wrapper.get('[data-test="confirm"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true)
    expect(wrapper.find('[data-test="webhook"]').exists()).toBe(false)
    expect(document.activeElement?.id).toBe('list-heading')
  })

  it('shows the delivery log and sends a failed delivery again', async () => {
    const failed = aDelivery({
      status: 'failed',
      attempts: 7,
      delivered_at: null,
      log: [{ at: '2026-12-01T10:00:01Z', status: 500, error: null, excerpt: 'boom', ms: 3 }],
    })
    const { calls } = fakeApi({
      'GET /admin/webhooks': { body: { items: [aWebhook({ failing: true })] } },
      'GET /admin/webhooks/h1/deliveries': { body: { items: [failed] } },
      'POST /admin/webhooks/h1/deliveries/h1:e1/redeliver': {
        body: { ...failed, status: 'pending' },
      },
    })
    const wrapper = await mounted()
    expect(wrapper.get('[data-test="webhook-state"]').text()).toContain('Failing')
    expect(wrapper.get('[data-test="last-delivery"]').text()).toContain('failed')
    await wrapper.get('[data-test="show-deliveries"]').trigger('click')
    const row = wrapper.get('[data-test="delivery"]')
    expect(row.text()).toContain('HTTP 500')
    expect(row.text()).toContain('boom')
    expect(row.text()).toContain('e1')
    await row.get('[data-test="send-again"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)!.path).toBe('/admin/webhooks/h1/deliveries/h1:e1/redeliver')
    expect(wrapper.get('[data-test="delivery-state"]').text()).toBe('Pending')
    expect(wrapper.find('[data-test="send-again"]').exists()).toBe(false)
  })

  it('edits the event types and description in place', async () => {
    const { calls } = fakeApi({
      'GET /admin/webhooks': { body: { items: [aWebhook()] } },
      'GET /admin/webhooks/h1/deliveries': { body: { items: [] } },
      'PATCH /admin/webhooks/h1': (call) => ({ body: aWebhook(call.body as object) }),
    })
    const wrapper = await mounted()
    await wrapper.get('[data-test="edit"]').trigger('click')
    const item = wrapper.get('[data-test="webhook"]')
    await field(wrapper, 'Description').setValue('Search index')
    await item.get('form').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)!.body).toEqual({
      event_types: ['portrait.user.created'],
      description: 'Search index',
    })
    expect(item.text()).toContain('Search index')
    expect(document.activeElement).toBe(wrapper.get('[data-test="edit"]').element)
  })
})

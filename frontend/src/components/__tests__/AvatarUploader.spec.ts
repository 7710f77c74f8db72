import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi, problem, type Reply } from '@/api/__tests__/http'
import AvatarUploader from '@/components/AvatarUploader.vue'
import { useAuthStore } from '@/stores/auth'
import { useProfileStore } from '@/stores/profile'

const me = { handle: 'ada', display_name: 'Ada', email: 'ada@example.com' }
const avatar = { urls: { '256': '/media/k256' } }

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

async function pick(wrapper: ReturnType<typeof mount>, file: File, which = 'pick') {
  const input = wrapper.get(`[data-test="${which}"]`)
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
}

const photo = () => new File(['jpeg'], 'me.jpg', { type: 'image/jpeg' })

describe('AvatarUploader', () => {
  it('uploads a picked photo, shows progress then "checking and framing", then done', async () => {
    let finish: () => void = () => {}
    // The server holds its answer while it checks and frames the photo.
    const checked = new Promise<Reply>((resolve) => (finish = () => resolve({ body: avatar })))
    fakeApi({ 'PUT /me/avatar': () => checked, 'GET /me': { body: { ...me, avatar } } })
    const profile = useProfileStore()
    const wrapper = mount(AvatarUploader, { attachTo: document.body })
    const input = wrapper.get<HTMLInputElement>('[data-test="pick"]').element
    input.focus()
    await pick(wrapper, photo())
    await flushPromises()
    expect(wrapper.get('[role="status"]').text()).toBe('Checking and framing your photo…')
    // Busy, but still focusable: the keyboard user stays on the button they pressed.
    expect(input.getAttribute('aria-disabled')).toBe('true')
    expect(input.disabled).toBe(false)
    expect(document.activeElement).toBe(input)
    finish()
    await flushPromises()
    expect(wrapper.get('[role="status"]').text()).toMatch(/ready/)
    expect(input.getAttribute('aria-disabled')).toBe('false')
    expect(document.activeElement).toBe(input)
    expect(wrapper.emitted('uploaded')).toHaveLength(1)
    expect(profile.me?.avatar).toEqual(avatar)
    wrapper.unmount()
  })

  it('ignores activation while busy: no second file picker, no second upload', async () => {
    const never = new Promise<Reply>(() => {})
    const { calls } = fakeApi({ 'PUT /me/avatar': () => never })
    const wrapper = mount(AvatarUploader)
    await pick(wrapper, photo())
    await flushPromises()
    for (const which of ['pick', 'camera']) {
      const click = new MouseEvent('click', { bubbles: true, cancelable: true })
      wrapper.get(`[data-test="${which}"]`).element.dispatchEvent(click)
      expect(click.defaultPrevented).toBe(true)
      await pick(wrapper, photo(), which)
    }
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1)
  })

  it('lets a click through when idle (the file picker opens)', async () => {
    const wrapper = mount(AvatarUploader)
    const click = new MouseEvent('click', { bubbles: true, cancelable: true })
    wrapper.get('[data-test="pick"]').element.dispatchEvent(click)
    expect(click.defaultPrevented).toBe(false)
  })

  it('shows a progress bar while the bytes go out', async () => {
    const never = new Promise<Reply>(() => {})
    fakeApi({ 'PUT /me/avatar': () => never }, { uploadProgress: [0.25, 0.5] })
    const wrapper = mount(AvatarUploader)
    await pick(wrapper, photo())
    await flushPromises()
    expect(wrapper.get('progress').attributes('value')).toBe('0.5')
    expect(wrapper.get('[role="status"]').text()).toMatch(/Uploading/)
  })

  it('explains a refused photo kindly, with the reason from the server', async () => {
    fakeApi({
      'PUT /me/avatar': problem(422, {
        type: 'urn:portrait:problem:avatar-rejected',
        detail: 'The photo appears to show nudity.',
      }),
    })
    const wrapper = mount(AvatarUploader)
    await pick(wrapper, photo(), 'camera')
    await flushPromises()
    const status = wrapper.get('[role="status"]')
    expect(status.classes()).toContain('error')
    expect(status.text()).toContain('The photo appears to show nudity.')
    expect(status.text()).toContain('Nothing from this upload was kept.')
    expect(wrapper.emitted('uploaded')).toBeUndefined()
  })

  it('offers to ask a person to look at a refused photo, and sends the note', async () => {
    const { calls } = fakeApi({
      'PUT /me/avatar': problem(422, {
        type: 'urn:portrait:problem:avatar-rejected',
        detail: 'The photo appears to show nudity.',
        appeal: { url: '/api/v1/me/avatar/appeal', until: '2026-12-01T10:15:00Z' },
      }),
      'POST /me/avatar/appeal': { status: 202, body: { id: 'i1', state: 'open' } },
    })
    const wrapper = mount(AvatarUploader)
    await pick(wrapper, photo())
    await flushPromises()
    expect(wrapper.get('.status').text()).toContain('deleted within 15 minutes unless you ask')
    await wrapper.get('[data-test="appeal-note"]').setValue(' A costume. ')
    await wrapper.get('[data-test="appeal-send"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)!.body).toEqual({ note: 'A costume.' })
    expect(wrapper.get('[data-test="appeal-result"]').text()).toContain('A person will look')
  })

  it('asks to retry later when the checker is down (503 with Retry-After)', async () => {
    fakeApi({ 'PUT /me/avatar': { ...problem(503), headers: { 'Retry-After': '30' } } })
    const wrapper = mount(AvatarUploader)
    await pick(wrapper, photo())
    await flushPromises()
    expect(wrapper.get('[role="status"]').text()).toMatch(/busy.*about 30 seconds/)
  })

  it('refuses a file over 10 MB or one that is not an image without uploading', async () => {
    const { calls } = fakeApi({})
    const wrapper = mount(AvatarUploader)
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.jpg', { type: 'image/jpeg' })
    await pick(wrapper, big)
    expect(wrapper.get('[role="status"]').text()).toMatch(/over 10 MB/)
    await pick(wrapper, new File(['%PDF'], 'cv.pdf', { type: 'application/pdf' }))
    expect(wrapper.get('[role="status"]').text()).toMatch(/not a photo/)
    expect(calls).toHaveLength(0)
  })

  it('uploads a HEIC photo even when the system does not call it an image', async () => {
    const { calls } = fakeApi({ 'PUT /me/avatar': { body: avatar }, 'GET /me': { body: me } })
    const wrapper = mount(AvatarUploader)
    expect(wrapper.get('[data-test="pick"]').attributes('accept')).toContain('.heic')
    await pick(
      wrapper,
      new File(['ftypheic'], 'IMG_0001.HEIC', { type: 'application/octet-stream' }),
    )
    await flushPromises()
    expect(calls.map((c) => c.path)).toContain('/me/avatar')
  })

  it('uploads a dropped photo and offers the camera on phones', async () => {
    const { calls } = fakeApi({ 'PUT /me/avatar': { body: avatar }, 'GET /me': { body: me } })
    const wrapper = mount(AvatarUploader)
    expect(wrapper.get('[data-test="camera"]').attributes('capture')).toBe('user')
    await wrapper.trigger('drop', { dataTransfer: { files: [photo()] } })
    await flushPromises()
    expect(calls[0]!.path).toBe('/me/avatar')
  })
})

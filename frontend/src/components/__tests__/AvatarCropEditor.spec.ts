import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi } from '@/api/__tests__/http'
import type { CropBox } from '@/api/types'
import AvatarCropEditor from '@/components/AvatarCropEditor.vue'
import { useAuthStore } from '@/stores/auth'

// A 1000×500 master currently framed on the middle 400×400 square.
const avatar = {
  urls: { '256': '/media/k256' },
  crop: { x: 300, y: 50, width: 400, height: 400 },
  master: { width: 1000, height: 500, url: '/media/master' },
}

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

function editor() {
  const wrapper = mount(AvatarCropEditor, { props: { avatar } })
  // jsdom does no layout: the stage is 500 CSS px wide, so 1 screen px = 2 master px.
  const stage = wrapper.get('.stage').element as HTMLElement
  Object.defineProperty(stage, 'clientWidth', { value: 500 })
  return wrapper
}

/** Two fingers down on the stage 100 px apart around screen (250, 100), master pixel (500, 200). */
async function twoFingers(wrapper: ReturnType<typeof editor>) {
  const stage = wrapper.get('.stage')
  const send =
    (type: string) =>
    (pointerId: number, clientX: number, clientY = 100) =>
      stage.trigger(type, { pointerId, clientX, clientY })
  const finger = { move: send('pointermove'), up: send('pointerup') }
  await send('pointerdown')(1, 200)
  await send('pointerdown')(2, 300)
  return finger
}

describe('AvatarCropEditor', () => {
  it('draws the square over the master where the current crop is', () => {
    const style = editor().get('[data-test="frame"]').attributes('style')
    expect(style).toContain('left: 30%')
    expect(style).toContain('top: 10%')
    expect(style).toContain('width: 40%')
    expect(style).toContain('height: 80%')
  })

  it('moves the square by dragging, and keeps it inside the photo', async () => {
    const wrapper = editor()
    const frame = wrapper.get('[data-test="frame"]')
    await frame.trigger('pointerdown', { clientX: 100, clientY: 100, pointerId: 1 })
    await frame.trigger('pointermove', { clientX: 150, clientY: 100, pointerId: 1 })
    expect(wrapper.vm.box).toMatchObject({ x: 400, y: 50, width: 400 })
    await frame.trigger('pointermove', { clientX: 900, clientY: -500, pointerId: 1 })
    expect(wrapper.vm.box).toMatchObject({ x: 600, y: 0 })
  })

  it('zooms around the centre and never below 64 px or beyond the photo', async () => {
    const wrapper = editor()
    const zoom = wrapper.get('[data-test="zoom"]')
    await zoom.setValue('2') // largest square is 500 px, so zoom 2 is 250 px
    expect(wrapper.vm.box).toMatchObject({ x: 375, y: 125, width: 250, height: 250 })
    await zoom.setValue('1')
    expect(wrapper.vm.box).toMatchObject({ x: 250, y: 0, width: 500, height: 500 })
    expect(Number(zoom.attributes('max'))).toBeCloseTo(500 / 64)
  })

  it('pinch-zooms about the point between the fingers', async () => {
    const wrapper = editor()
    const finger = await twoFingers(wrapper)
    await finger.move(1, 150)
    await finger.move(2, 350)
    // Twice the spread halves the square; (500, 200) keeps its place: half across, 3/8 down.
    expect(wrapper.vm.box).toEqual({ x: 400, y: 125, width: 200, height: 200 })
  })

  it('moves the square with the fingers while pinching', async () => {
    const wrapper = editor()
    const finger = await twoFingers(wrapper)
    await finger.move(1, 220, 110)
    await finger.move(2, 320, 110)
    expect(wrapper.vm.box).toEqual({ x: 340, y: 70, width: 400, height: 400 })
  })

  it('pinches no smaller than 64 px and no larger than the photo, inside it', async () => {
    const wrapper = editor()
    const finger = await twoFingers(wrapper)
    await finger.move(1, -750)
    await finger.move(2, 1250)
    expect(wrapper.vm.box).toEqual({ x: 468, y: 176, width: 64, height: 64 })
    // Pinching the fingers together gives at most the largest square, kept inside the photo.
    await finger.move(1, 245)
    await finger.move(2, 255)
    expect(wrapper.vm.box).toEqual({ x: 250, y: 0, width: 500, height: 500 })
    const zoom = wrapper.get('[data-test="zoom"]').element as HTMLInputElement
    expect(Number(zoom.value)).toBe(1)
  })

  it('goes on dragging with the finger left after a pinch, without a jump', async () => {
    const wrapper = editor()
    const finger = await twoFingers(wrapper)
    await finger.move(1, 150)
    await finger.move(2, 350)
    await finger.up(2, 350)
    expect(wrapper.vm.box).toEqual({ x: 400, y: 125, width: 200, height: 200 })
    await finger.move(1, 160, 95)
    expect(wrapper.vm.box).toEqual({ x: 420, y: 115, width: 200, height: 200 })
    // Both fingers up: moves no longer change the square.
    await finger.up(1, 160, 95)
    await finger.move(1, 400, 400)
    expect(wrapper.vm.box).toEqual({ x: 420, y: 115, width: 200, height: 200 })
  })

  it('moves with the arrow keys', async () => {
    const wrapper = editor()
    await wrapper.get('[data-test="frame"]').trigger('keydown', { key: 'ArrowLeft' })
    expect(wrapper.vm.box.x).toBe(280)
  })

  it('saves a whole-pixel square through PATCH /me/avatar/crop', async () => {
    const { calls } = fakeApi({
      'PATCH /me/avatar/crop': { body: avatar },
      'GET /me': { body: { handle: 'ada', display_name: 'Ada', email: 'a@x.io', avatar } },
    })
    const wrapper = editor()
    await wrapper.get('[data-test="zoom"]').setValue('1.3')
    await wrapper.get('[data-test="save"]').trigger('click')
    await flushPromises()
    const box = calls.find((c) => c.method === 'PATCH')!.body as CropBox
    expect(box.width).toBe(box.height)
    expect(Number.isInteger(box.x) && Number.isInteger(box.y) && Number.isInteger(box.width)).toBe(
      true,
    )
    expect(box.x + box.width).toBeLessThanOrEqual(1000)
    expect(wrapper.emitted('saved')).toHaveLength(1)
  })
})

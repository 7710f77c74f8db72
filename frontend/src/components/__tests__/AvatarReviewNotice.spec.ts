import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'

import AvatarReviewNotice from '@/components/AvatarReviewNotice.vue'

describe('AvatarReviewNotice', () => {
  it('tells the owner a pending picture is theirs alone for now', () => {
    const review = { state: 'pending' as const, reason: null }
    const text = mount(AvatarReviewNotice, { props: { review } }).get('[role="status"]').text()
    expect(text).toContain('Waiting for review')
  })

  it('gives the moderator’s reason for a refusal', () => {
    const review = { state: 'rejected' as const, reason: 'Not a face.' }
    const notice = mount(AvatarReviewNotice, { props: { review } }).get('[role="alert"]')
    expect(notice.text()).toContain('“Not a face.”')
  })

  it('shows nothing for an accepted or approved picture', () => {
    for (const review of [null, { state: 'approved' as const, reason: 'ok' }]) {
      expect(mount(AvatarReviewNotice, { props: { review } }).text()).toBe('')
    }
  })
})

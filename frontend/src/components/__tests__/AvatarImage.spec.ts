import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'

import AvatarImage from '@/components/AvatarImage.vue'

describe('AvatarImage', () => {
  it('offers every square variant in srcset so the browser picks by density', () => {
    const avatar = {
      urls: { '512': '/media/k512', '64': '/media/k64', '256': '/media/k256', jpeg: '/media/kj' },
    }
    const img = mount(AvatarImage, { props: { avatar, name: 'Ada Lovelace', size: 96 } }).get('img')
    expect(img.attributes('srcset')).toBe('/media/k64 64w, /media/k256 256w, /media/k512 512w')
    expect(img.attributes('sizes')).toBe('96px')
    expect(img.attributes('src')).toBe('/media/kj')
    expect(img.attributes('alt')).toBe("Ada Lovelace's profile picture")
  })

  it('falls back to the smallest variant that is large enough without a JPEG', () => {
    const avatar = { urls: { '512': '/media/k512', '128': '/media/k128' } }
    const img = mount(AvatarImage, { props: { avatar, name: 'Ada', size: 100 } }).get('img')
    expect(img.attributes('src')).toBe('/media/k128')
  })

  it('shows the generated default picture, saying there is no photo yet', () => {
    const svg = '/media/default/217/AL.svg'
    const avatar = { default: true, urls: { '64': svg, '128': svg, '256': svg, '512': svg } }
    const img = mount(AvatarImage, { props: { avatar, name: 'Ada Lovelace' } }).get('img')
    expect(img.attributes('src')).toBe(svg)
    expect(img.attributes('srcset')).toBeUndefined()
    expect(img.attributes('alt')).toBe('Ada Lovelace has no profile picture yet')
  })

  it('shows initials when there is no picture at all', () => {
    const wrapper = mount(AvatarImage, { props: { avatar: null, name: 'ada lovelace' } })
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.get('[role="img"]').text()).toBe('AL')
  })
})

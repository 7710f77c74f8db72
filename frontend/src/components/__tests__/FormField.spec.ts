import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'

import FormField from '@/components/FormField.vue'

describe('FormField', () => {
  it('labels its input and passes attributes through', () => {
    const wrapper = mount(FormField, {
      props: { label: 'Email', type: 'email' },
      attrs: { autocomplete: 'email', required: true },
    })
    const input = wrapper.get('input')
    expect(wrapper.get('label').attributes('for')).toBe(input.attributes('id'))
    expect(input.attributes('type')).toBe('email')
    expect(input.attributes('autocomplete')).toBe('email')
    expect(input.attributes()).toHaveProperty('required')
    expect(input.attributes('aria-invalid')).toBeUndefined()
  })

  it('shows an error inline, marks the input invalid and links the message', async () => {
    const wrapper = mount(FormField, { props: { label: 'Handle', hint: '3–30 characters' } })
    await wrapper.setProps({ error: 'This handle is taken.' })
    const input = wrapper.get('input')
    const error = wrapper.get('.field-error')
    expect(error.text()).toBe('This handle is taken.')
    expect(error.attributes('aria-live')).toBe('polite')
    expect(input.attributes('aria-invalid')).toBe('true')
    expect(input.attributes('aria-describedby')).toContain(error.attributes('id'))
    expect(input.attributes('aria-describedby')).toContain(wrapper.get('.hint').attributes('id'))
  })

  it('binds v-model, as a textarea when multiline', async () => {
    const wrapper = mount(FormField, {
      props: {
        label: 'Bio',
        multiline: true,
        modelValue: 'Hi',
        'onUpdate:modelValue': (v: string) => wrapper.setProps({ modelValue: v }),
      },
    })
    const area = wrapper.get('textarea')
    expect((area.element as HTMLTextAreaElement).value).toBe('Hi')
    await area.setValue('Hello there')
    expect(wrapper.props('modelValue')).toBe('Hello there')
  })
})

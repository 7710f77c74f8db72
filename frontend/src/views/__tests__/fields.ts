// Finding a form's input by its visible label, as a person does.
import type { VueWrapper } from '@vue/test-utils'

export function fieldByLabel(wrapper: VueWrapper, label: string) {
  const id = wrapper
    .findAll('label')
    .find((l) => l.text() === label)!
    .attributes('for')
  return wrapper.get(`#${id}`)
}

// The forms allow exactly what the API accepts: every length limit comes from the API's
// OpenAPI document (src/api/openapi.json, generated). This fails when a form and the document
// differ, e.g. a hand-written maxlength="80" where the API takes 50.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

import { aProfile, fakeApi } from '@/api/__tests__/http'
import openapi from '@/api/openapi.json'
import { useAuthStore } from '@/stores/auth'
import AccountView from '@/views/AccountView.vue'
import LogInView from '@/views/LogInView.vue'
import ProfileEditView from '@/views/ProfileEditView.vue'
import SignUpView from '@/views/SignUpView.vue'

type Property = { minLength?: number; maxLength?: number; pattern?: string }
const schemas = openapi.components.schemas as unknown as Record<
  string,
  { properties: Record<string, Property> }
>

/** What the document says, read here independently of src/api/limits.ts. */
function documented(schema: string, field: string) {
  const property = schemas[schema]!.properties[field]!
  const counted = property.pattern?.match(/\{(\d+),(\d+)\}\$$/)
  return {
    minlength: property.minLength ?? (counted ? Number(counted[1]) : undefined),
    maxlength: property.maxLength ?? (counted ? Number(counted[2]) : undefined),
    pattern: property.pattern,
  }
}

const FORMS = [
  { view: SignUpView, schema: 'Signup', fields: ['display_name', 'handle', 'email', 'password'] },
  { view: LogInView, schema: 'Login', fields: ['email', 'password'] },
  {
    view: ProfileEditView,
    schema: 'ProfileUpdate',
    fields: ['display_name', 'handle', 'bio', 'location', 'website'],
  },
  { view: AccountView, schema: 'PasswordChange', fields: ['new_password'] },
]

async function render(view: (typeof FORMS)[number]['view']) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', name: 'any', component: { template: '<p />' } }],
  })
  for (const name of ['public-profile', 'signup', 'profile-edit']) {
    router.addRoute({ path: `/${name}/:handle?`, name, component: { template: '<p />' } })
  }
  await router.push('/')
  const wrapper = mount(view, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
  useAuthStore().user = aProfile()
  fakeApi({ 'GET /me': { body: aProfile() } })
})
afterEach(() => vi.unstubAllGlobals())

describe('field limits', () => {
  it.each(FORMS)('$schema: each input has the limits of the OpenAPI document', async (form) => {
    const wrapper = await render(form.view)
    for (const field of form.fields) {
      const input = wrapper.get(`[name="${field}"]`)
      const want = documented(form.schema, field)
      const have = {
        minlength: input.attributes('minlength'),
        maxlength: input.attributes('maxlength'),
        pattern: input.attributes('pattern'),
      }
      const asText = (value: number | string | undefined) =>
        value === undefined ? undefined : String(value)
      expect(have, `${form.schema}.${field}`).toEqual({
        minlength: asText(want.minlength),
        maxlength: asText(want.maxlength),
        pattern: want.pattern,
      })
    }
  })

  it('bounds every text field of the forms (nothing is left unlimited)', async () => {
    const wrapper = await render(SignUpView)
    const unbounded = wrapper
      .findAll('input')
      .filter((i) => !/^\d+$/.test(i.attributes('maxlength') ?? ''))
    expect(unbounded.map((i) => i.attributes('name'))).toEqual([])
    // The case that started it: the API takes 50 characters of name, not 80.
    expect(wrapper.get('[name="display_name"]').attributes('maxlength')).toBe(
      String(schemas.Signup!.properties.display_name!.maxLength),
    )
  })
})

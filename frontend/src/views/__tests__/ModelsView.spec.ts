import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi, problem, type Reply } from '@/api/__tests__/http'
import type { CatalogModel, ModelTryAnswer, ModelVersion } from '@/api/types'
import ModelsView from '@/views/ModelsView.vue'

const report = {
  metrics: { 'realfaces.main_kept': 0.8611, 'composites.kept': 0.9861 },
  latency_ratio_to_full_decode: 8.299,
  created_at: '2026-12-01T20:14:32+00:00',
  datasets: { realfaces: 36, composites: 72 },
  report: 'backend/portrait_models/reports/smart-crop-1.0.0.json',
}

const aVersion = (changes: Partial<ModelVersion> = {}): ModelVersion => ({
  version: '1.0.0',
  stage: 'champion',
  description: 'Haar faces + saliency.',
  license: 'BSD-3-Clause',
  report,
  ...changes,
})

const endpoints = (name: string) => ({
  predict: `/v1/models/${name}/predict`,
  pinned: `/v1/models/${name}/versions/{version}/predict`,
})

const catalog: CatalogModel[] = [
  {
    name: 'smart-crop',
    champion: '1.0.0',
    options: { aspect: { type: 'float', default: 1, minimum: 0.25, maximum: 4 } },
    output: {},
    versions: [
      aVersion(),
      aVersion({ version: '2.0.0', stage: 'candidate', description: 'CNN faces.', report: null }),
    ],
    endpoints: endpoints('smart-crop'),
  },
  {
    name: 'nudity-detection',
    champion: '1.1.0',
    options: {},
    output: {},
    versions: [
      aVersion({ stage: 'retired', description: 'NudeNet 320n.', license: 'AGPL-3.0' }),
      aVersion({ version: '1.1.0', description: 'NudeNet 320n, tuned.', license: 'AGPL-3.0' }),
    ],
    endpoints: endpoints('nudity-detection'),
  },
]

const cropAnswer: ModelTryAnswer = {
  model: 'smart-crop',
  version: '2.0.0',
  stage: 'candidate',
  duration_ms: 41.2,
  result: {
    crop: { x: 100, y: 0, width: 500, height: 500 },
    faces: [
      { x: 200, y: 60, width: 80, height: 90, source: 'haar' },
      { x: 400, y: 70, width: 60, height: 70, source: 'nudenet' },
    ],
    method: 'faces',
  },
}

const nudityAnswer: ModelTryAnswer = {
  model: 'nudity-detection',
  version: '1.1.0',
  stage: 'champion',
  duration_ms: 80,
  result: {
    explicit: true,
    reasons: ['BUTTOCKS_EXPOSED'],
    threshold: 0.6,
    detections: [
      { label: 'BUTTOCKS_EXPOSED', score: 0.81, box: [10, 200, 120, 90] },
      { label: 'FACE_FEMALE', score: 0.72, box: [173, 82, 102, 98] },
    ],
  },
}

let urls: string[]
let revoked: string[]

beforeEach(() => {
  setActivePinia(createPinia())
  urls = []
  revoked = []
  // jsdom has no object URLs: these stand-ins note what is made and what is revoked.
  class FakeUrl extends URL {
    static createObjectURL = vi.fn(() => {
      const url = `blob:photo-${urls.length + 1}`
      urls.push(url)
      return url
    })
    static revokeObjectURL = vi.fn((url: string) => revoked.push(url))
  }
  vi.stubGlobal('URL', FakeUrl)
})
afterEach(() => vi.unstubAllGlobals())

async function mounted(routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi({ 'GET /models': { body: { models: catalog } }, ...routes })
  const wrapper = mount(ModelsView, { attachTo: document.body })
  await flushPromises()
  return { wrapper, ...api }
}

async function pick(wrapper: VueWrapper, name = 'me.jpg') {
  const input = wrapper.get('[data-test="photo-input"]')
  const file = new File(['jpeg'], name, { type: 'image/jpeg' })
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
  return file
}

/** What the browser would do once the photo has loaded: its natural size is known. */
async function photoLoads(wrapper: VueWrapper, width: number, height: number) {
  const img = wrapper.get('[data-test="photo"]')
  Object.defineProperty(img.element, 'naturalWidth', { value: width })
  Object.defineProperty(img.element, 'naturalHeight', { value: height })
  await img.trigger('load')
}

const status = (wrapper: VueWrapper) => wrapper.get('[data-test="try-status"]')
const rects = (wrapper: VueWrapper, kind: string) =>
  wrapper.findAll(`[data-test="box-${kind}"]`).map((r) => {
    const a = r.attributes()
    return [a.x, a.y, a.width, a.height].map(Number)
  })

describe('ModelsView: the list', () => {
  it('shows every model and version with its stage, numbers, or "no report yet"', async () => {
    const { wrapper, calls } = await mounted({})
    expect(calls[0]!.headers.Authorization).toBeUndefined() // public: no token sent
    const models = wrapper.findAll('[data-test="model"]')
    expect(models.map((m) => m.get('h2').text())).toEqual(['smart-crop', 'nudity-detection'])
    const versions = wrapper.findAll('[data-test="version"]')
    expect(versions.map((v) => v.get('[data-test="stage"]').text())).toEqual([
      'champion',
      'candidate',
      'retired',
      'champion',
    ])
    const first = versions[0]!
    expect(first.get('[data-test="stage"]').classes()).toContain('champion')
    expect(first.text()).toContain('Haar faces + saliency.')
    expect(first.text()).toContain('Licence: BSD-3-Clause')
    expect(first.get('[data-test="metrics"]').text()).toContain('realfaces.main_kept')
    expect(first.get('[data-test="metrics"]').text()).toContain('86.1%')
    expect(first.get('[data-test="metrics"]').text()).toContain('98.6%')
    expect(first.get('[data-test="latency"]').text()).toBe('8.3× a full decode')
    const measured = first.get('[data-test="measured"]')
    expect(measured.text()).toBe(
      'Measured on 2026-12-01 with realfaces (36), composites (72) items',
    )
    expect(measured.get('time').attributes('datetime')).toBe(report.created_at)
    expect(versions[1]!.get('[data-test="no-report"]').text()).toBe('No report yet.')
    expect(versions[1]!.find('[data-test="metrics"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('says how long to wait when the catalog is read too often', async () => {
    const reply = { ...problem(429, {}), headers: { 'Retry-After': '30' } }
    const { wrapper } = await mounted({ 'GET /models': reply })
    expect(wrapper.get('[role="alert"]').text()).toBe('Too many attempts. Try again in 30 seconds.')
    wrapper.unmount()
  })

  it('says so when the model service is down', async () => {
    const { wrapper } = await mounted({ 'GET /models': problem(503, { detail: 'down' }) })
    expect(wrapper.get('[role="alert"]').text()).toMatch(/not available right now/)
    expect(wrapper.find('[data-test="model"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('ModelsView: try it', () => {
  it('starts on the first model and its champion; another model starts on its own', async () => {
    const { wrapper } = await mounted({})
    const version = () => wrapper.get('[data-test="version-pick"]').element as HTMLSelectElement
    expect(version().value).toBe('1.0.0')
    await wrapper.get('[data-test="model-pick"]').setValue('nudity-detection')
    expect(version().value).toBe('1.1.0')
    wrapper.unmount()
  })

  it('posts the photo to the chosen version and draws faces and the crop square', async () => {
    let finish: () => void = () => {}
    const held = new Promise<Reply>((resolve) => (finish = () => resolve({ body: cropAnswer })))
    const { wrapper, calls } = await mounted({ 'POST /models/smart-crop/try': () => held })
    const file = await pick(wrapper)
    await wrapper.get('[data-test="version-pick"]').setValue('2.0.0')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(status(wrapper).text()).toBe('Running smart-crop 2.0.0…')

    const call = calls.at(-1)!
    expect(call.method).toBe('POST')
    expect(call.path).toBe('/models/smart-crop/try')
    expect(Object.fromEntries(call.query)).toEqual({ version: '2.0.0' })
    expect((call.body as FormData).get('file')).toEqual(file)

    finish()
    await flushPromises()
    await photoLoads(wrapper, 1000, 500)
    expect(status(wrapper).text()).toBe('smart-crop 2.0.0 (candidate) answered in 41 ms.')
    const overlay = wrapper.get('[data-test="overlay"]')
    // The viewBox is the photo's natural size: the browser scales the boxes with the photo.
    expect(overlay.attributes('viewBox')).toBe('0 0 1000 500')
    expect(overlay.attributes('aria-label')).toBe('The photo with 2 face boxes, 1 crop square')
    expect(rects(wrapper, 'face')).toEqual([
      [200, 60, 80, 90],
      [400, 70, 60, 70],
    ])
    expect(rects(wrapper, 'crop')).toEqual([[100, 0, 500, 500]])
    expect(JSON.parse(wrapper.get('[data-test="answer-json"]').text())).toEqual(cropAnswer)
    wrapper.unmount()
  })

  it('shows the upload progress while the bytes go out', async () => {
    const never = new Promise<Reply>(() => {})
    fakeApi(
      { 'GET /models': { body: { models: catalog } }, 'POST /models/smart-crop/try': () => never },
      { uploadProgress: [0.25, 0.5] },
    )
    const wrapper = mount(ModelsView)
    await flushPromises()
    await pick(wrapper)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('progress').attributes('value')).toBe('0.5')
    expect(status(wrapper).text()).toBe('Sending your photo…')
  })

  it('draws detections with label and score, the policy reasons highlighted', async () => {
    const { wrapper, calls } = await mounted({
      'POST /models/nudity-detection/try': { body: nudityAnswer },
    })
    await wrapper.get('[data-test="model-pick"]').setValue('nudity-detection')
    await pick(wrapper)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await photoLoads(wrapper, 720, 360)
    expect(calls.at(-1)!.query.get('version')).toBe('1.1.0')
    expect(rects(wrapper, 'reason')).toEqual([[10, 200, 120, 90]])
    expect(rects(wrapper, 'detection')).toEqual([[173, 82, 102, 98]])
    const labels = wrapper.findAll('[data-test="overlay"] text').map((t) => t.text())
    expect(labels).toEqual(['BUTTOCKS_EXPOSED 0.81', 'FACE_FEMALE 0.72'])
    wrapper.unmount()
  })

  it('takes a photo dropped on the drop zone, which is the labelled file input', async () => {
    const { wrapper, calls } = await mounted({
      'POST /models/smart-crop/try': { body: cropAnswer },
    })
    const zone = wrapper.get('.drop-zone')
    expect(zone.element.tagName).toBe('LABEL') // the input inside takes the focus and the keys
    expect(zone.find('[data-test="photo-input"]').exists()).toBe(true)
    await zone.trigger('dragenter')
    expect(zone.classes()).toContain('dragging')
    const file = new File(['png'], 'dropped.png', { type: 'image/png' })
    await zone.trigger('drop', { dataTransfer: { files: [file] } })
    expect(zone.classes()).not.toContain('dragging')
    expect(wrapper.get('[data-test="file-name"]').text()).toBe('dropped.png')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect((calls.at(-1)!.body as FormData).get('file')).toEqual(file)
    wrapper.unmount()
  })

  it('asks for a photo before sending anything', async () => {
    const { wrapper, calls } = await mounted({})
    await wrapper.get('form').trigger('submit')
    expect(status(wrapper).text()).toBe('Pick a photo first.')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    wrapper.unmount()
  })

  it.each([
    [400, {}, {}, 'The photo did not arrive. Please pick it again.'],
    [404, {}, {}, 'smart-crop 1.0.0 is not served any more. Reload the page for the current list.'],
    [413, {}, {}, 'That photo is too large. Please pick a smaller one.'],
    [415, {}, {}, 'We couldn’t read that file as a photo. JPEG, PNG and WebP work.'],
    [
      422,
      { detail: 'The image has too many pixels.' },
      {},
      'The model could not use this photo: The image has too many pixels.',
    ],
    [
      422,
      { message: 'aspect: must be at most 4.0' },
      {},
      'The model could not use this photo: aspect: must be at most 4.0',
    ],
    [429, {}, { 'Retry-After': '45' }, 'Too many attempts. Try again in 45 seconds.'],
    [503, {}, {}, 'The models are not available right now. Please try again in a moment.'],
  ])('explains a %i', async (code, body, headers, text) => {
    const reply = { ...problem(code, body), headers }
    const { wrapper } = await mounted({ 'POST /models/smart-crop/try': reply })
    await pick(wrapper)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(status(wrapper).classes()).toContain('error')
    expect(status(wrapper).text()).toBe(text)
    expect(wrapper.find('[data-test="answer-json"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('keeps the photo in the browser: each object URL is revoked when replaced or unmounted', async () => {
    const { wrapper } = await mounted({})
    await pick(wrapper, 'one.jpg')
    expect(wrapper.get('[data-test="photo"]').attributes('src')).toBe('blob:photo-1')
    await pick(wrapper, 'two.jpg')
    expect(wrapper.get('[data-test="photo"]').attributes('src')).toBe('blob:photo-2')
    expect(revoked).toEqual(['blob:photo-1'])
    wrapper.unmount()
    expect(revoked).toEqual(['blob:photo-1', 'blob:photo-2'])
  })

  it('gives curl and Python snippets for the chosen version, and copies them', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const { wrapper } = await mounted({})
    await wrapper.get('[data-test="version-pick"]').setValue('2.0.0')
    const curl = wrapper.get('[data-test="snippet-curl"]').text()
    expect(curl).toContain('"$MODELS_URL/v1/models/smart-crop/versions/2.0.0/predict"')
    expect(curl).toContain('--data-binary @photo.jpg')
    const python = wrapper.get('[data-test="snippet-python"]').text()
    expect(python).toContain(
      'url = os.environ["MODELS_URL"] + "/v1/models/smart-crop/versions/2.0.0/predict"',
    )
    expect(python).toContain('requests.post(url, data=photo.read(), timeout=30)')
    await wrapper.get('[data-test="copy-python"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(python)
    expect(wrapper.get('.model-snippets [role="status"]').text()).toBe('Copied the Python code.')
    wrapper.unmount()
  })
})

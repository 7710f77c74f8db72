// Typed calls for the public model catalog and "Try it" (GET /models, POST /models/{name}/try).
//
// The types are written by hand from the API contract until the API's OpenAPI document has
// them; then each becomes `Schemas['…']` from schema.d.ts in types.ts (same names), and this
// block goes.
import { request, upload, type Progress } from './client'

export type ModelStage = 'champion' | 'candidate' | 'retired'

/** A version's evaluation report, in headline numbers (the file is `report`). */
export interface ModelReport {
  /** Fractions 0..1, keyed "dataset.metric". */
  metrics: Record<string, number>
  latency_ratio_to_full_decode: number
  created_at: string
  /** Items per dataset. */
  datasets: Record<string, number>
  report: string
}

export interface ModelVersion {
  version: string
  stage: ModelStage
  description: string
  license: string
  report: ModelReport | null
}

export interface ModelOption {
  type: string
  default?: unknown
  minimum?: number
  maximum?: number
  description?: string
}

export interface CatalogModel {
  name: string
  champion: string
  options: Record<string, ModelOption>
  output: Record<string, unknown>
  /** Oldest first. */
  versions: ModelVersion[]
  /** Paths on the model service; `pinned` has a `{version}` placeholder. */
  endpoints: { predict: string; pinned: string }
}

export interface ModelCatalog {
  models: CatalogModel[]
}

/** A box in the photo's natural pixels (EXIF orientation applied). */
export interface PixelBox {
  x: number
  y: number
  width: number
  height: number
}

export interface SmartCropResult {
  crop: PixelBox
  faces: (PixelBox & { source: string })[]
  method: 'faces' | 'saliency'
}

export interface NudityDetection {
  label: string
  score: number
  /** [x, y, w, h] */
  box: [number, number, number, number]
}

export interface NudityResult {
  explicit: boolean
  reasons: string[]
  threshold: number
  detections: NudityDetection[]
}

export interface ModelTryAnswer {
  model: string
  version: string
  stage: ModelStage
  duration_ms: number
  result: SmartCropResult | NudityResult | Record<string, unknown>
}
// End of the hand-written types.

export const listModels = () =>
  request<ModelCatalog>('GET', '/models', { anonymous: true }).then((r) => r.data.models)

/** Runs one model on the photo (it is not stored); `version` absent is the champion. */
export function tryModel(
  name: string,
  file: Blob,
  { version, options = {} }: { version?: string; options?: Record<string, string> } = {},
  onProgress?: Progress,
) {
  const query = new URLSearchParams(options)
  if (version) query.set('version', version)
  const search = query.toString() ? `?${query}` : ''
  return upload<ModelTryAnswer>(
    'POST',
    `/models/${encodeURIComponent(name)}/try${search}`,
    file,
    onProgress,
  )
}

/** The model service's own path for one version (for copy-paste snippets). */
export const pinnedPath = (model: CatalogModel, version: string) =>
  model.endpoints.pinned.replace('{version}', encodeURIComponent(version))

export const isSmartCrop = (result: ModelTryAnswer['result']): result is SmartCropResult =>
  'crop' in result && Array.isArray((result as SmartCropResult).faces)

export const isNudity = (result: ModelTryAnswer['result']): result is NudityResult =>
  Array.isArray((result as NudityResult).detections)

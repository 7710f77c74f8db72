// Typed calls for the public model catalog and "Try it" (GET /models, POST /models/{name}/try).
import { request, upload, type Progress } from './client'
import type {
  CatalogModel,
  ModelCatalog,
  ModelTryAnswer,
  NudityResult,
  SmartCropResult,
} from './types'

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

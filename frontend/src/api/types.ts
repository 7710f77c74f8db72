// The API's documents, taken from schema.d.ts, which `npm run gen:api` generates from the
// API's OpenAPI document (never edit it by hand; a test fails when it is stale).
import type { components } from './schema'

type Schemas = components['schemas']

export interface CropBox {
  x: number
  y: number
  width: number
  height: number
}

/**
 * The avatar inside a profile. The OpenAPI document describes it only as an object (the
 * profile schema dumps it with a method), so its inner shape is written here from the
 * avatar contract (issue 4): square variant URLs keyed by pixel size, the crop box and the
 * master it was cut from.
 */
export interface Avatar {
  urls: Record<string, string>
  crop?: CropBox
  master?: { width: number; height: number; url?: string }
  faces?: unknown[]
  moderation?: Record<string, unknown>
}

type WithAvatar<T> = Omit<T, 'avatar'> & { avatar?: Avatar | null }

export type Profile = WithAvatar<Schemas['Me']>
export type PublicProfile = WithAvatar<Schemas['PublicProfile']>
export type TokenPair = Schemas['TokenPair']
export type Session = Omit<Schemas['Auth'], 'user'> & { user: Profile }
export type SignupInput = Schemas['Signup']
export type LoginInput = Schemas['Login']
export type ProfileUpdate = Schemas['ProfileUpdate']
export type PasswordChange = Schemas['PasswordChange']

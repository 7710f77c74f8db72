// Shapes of the API's documents. Provisional until `npm run gen:api` writes schema.d.ts from
// the API's OpenAPI document; then these become aliases of the generated types.

export interface CropBox {
  x: number
  y: number
  width: number
  height: number
}

export interface Avatar {
  urls: Record<string, string>
  crop?: CropBox
  master?: { width: number; height: number; url?: string }
  faces?: unknown[]
  moderation?: Record<string, unknown>
}

export interface PublicProfile {
  handle: string
  display_name: string
  bio?: string | null
  location?: string | null
  website?: string | null
  avatar?: Avatar | null
}

export interface Profile extends PublicProfile {
  id?: string
  email: string
}

export interface Session {
  user: Profile
  access_token: string
  refresh_token?: string
}

export interface SignupInput {
  email: string
  password: string
  handle: string
  display_name: string
}

export interface LoginInput {
  email: string
  password: string
}

export type ProfileUpdate = Partial<
  Pick<Profile, 'display_name' | 'handle' | 'bio' | 'location' | 'website'>
>

export interface PasswordChange {
  current_password: string
  new_password: string
}

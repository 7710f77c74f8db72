// The API's documents, taken from schema.d.ts, which `npm run gen:api` generates from the
// API's OpenAPI document (never edit it by hand; a test fails when it is stale).
import type { components } from './schema'

type Schemas = components['schemas']

export type CropBox = Schemas['CropBox']
export type Avatar = Schemas['Avatar']
/** The generated initials picture of a profile without one (`default` is true). */
export type DefaultAvatar = Schemas['DefaultAvatar']
export type AnyAvatar = Schemas['PublicAvatar'] | Avatar | DefaultAvatar

// The document types a nullable nested avatar as `{} | null | Avatar`; this says what the
// API sends there.
type Avatars<T, A> = Omit<T, 'avatar'> & { avatar?: A | null }

export type Profile = Avatars<Schemas['Me'], Avatar>
export type PublicProfile = Avatars<Schemas['PublicProfile'], Schemas['PublicAvatar']>
export type TokenPair = Schemas['TokenPair']
export type Session = Omit<Schemas['Auth'], 'user'> & { user: Profile }
export type SignupInput = Schemas['Signup']
export type LoginInput = Schemas['Login']
export type ProfileUpdate = Schemas['ProfileUpdate']
export type PasswordChange = Schemas['PasswordChange']
export type ModerationItem = Schemas['ModerationItem']
export type QueuePage = Schemas['QueuePage']
export type Decision = Schemas['Decision']
export type ReportInput = Schemas['ReportCreate']
export type Review = Schemas['Review']
export type AdminUser = Schemas['AdminUser']
export type AdminUserPage = Schemas['AdminUserPage']
export type AuditEntry = Schemas['AuditEntry']
export type AuditPage = Schemas['AuditPage']
export type Webhook = Schemas['Webhook']
/** Only the answers to registration and rotation carry the secret, this once. */
export type WebhookWithSecret = Schemas['WebhookWithSecret']
export type WebhookCreate = Schemas['WebhookCreate']
export type WebhookUpdate = Schemas['WebhookUpdate']
export type EventType = NonNullable<WebhookCreate['event_types']>[number]
export type Delivery = Schemas['Delivery']
export type Attempt = Schemas['Attempt']
export type SessionList = Schemas['SessionList']
export type DeviceSession = Schemas['Session']
export type SecurityEventList = Schemas['SecurityEventList']
export type SecurityEvent = Schemas['SecurityEvent']
export type Accepted = Schemas['Accepted']
export type EmailAddress = Schemas['EmailAddress']
export type PasswordReset = Schemas['PasswordReset']
export type EmailChange = Schemas['EmailChange']
/** The login answer when a second factor is due: no session until POST /auth/login/mfa. */
export type MfaChallenge = { mfa_required: true; mfa_token: string }
export type MfaLogin = Schemas['MfaLogin']
export type Reauth = Schemas['Reauth']
export type TotpEnrolment = Schemas['TotpEnrolment']
export type TotpDisable = Schemas['TotpDisable']

// The Models page (GET /models, POST /models/{name}/try). The document's report fields are
// optional, but the model service sends a version's report whole or not at all (null); and
// a detection's box is exactly four numbers, which the generated `number[]` does not say.
// These say what the API sends.
export type ModelReport = Required<Schemas['ModelReport']>
export type ModelVersion = Omit<Schemas['ModelVersion'], 'report'> & { report: ModelReport | null }
export type ModelStage = ModelVersion['stage']
export type ModelOption = Schemas['ModelOption']
export type CatalogModel = Omit<Schemas['Model'], 'versions'> & { versions: ModelVersion[] }
export type ModelCatalog = Omit<Schemas['ModelCatalog'], 'models'> & { models: CatalogModel[] }
export type SmartCropResult = Schemas['SmartCropResult']
/** `box` is [x, y, width, height]. */
export type NudityDetection = Omit<Schemas['Detection'], 'box'> & {
  box: [number, number, number, number]
}
// A result keeps the fields a new version adds (an index signature), so `Omit` would drop
// its named fields: this mapped type replaces `detections` and keeps the rest.
export type NudityResult = {
  [K in keyof Schemas['NudityResult']]: K extends 'detections'
    ? NudityDetection[]
    : Schemas['NudityResult'][K]
}
export type ModelTryAnswer = Omit<Schemas['ModelTry'], 'result'> & {
  result: SmartCropResult | NudityResult
}

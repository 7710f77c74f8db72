import { ref, watch } from 'vue'
import { defineStore } from 'pinia'

import type { Progress } from '@/api/client'
import * as api from '@/api/endpoints'
import type {
  CropBox,
  EmailChange,
  PasswordChange,
  Profile,
  ProfileUpdate,
  Reauth,
} from '@/api/types'
import { useAuthStore } from './auth'

/** The signed-in user's own profile, its ETag for safe edits, and the avatar actions. */
export const useProfileStore = defineStore('profile', () => {
  const auth = useAuthStore()
  const me = ref<Profile | null>(null)
  const etag = ref<string | null>(null)

  function set(profile: Profile, tag: string | null) {
    me.value = profile
    etag.value = tag
    auth.user = profile
  }

  // Signing out (or a session that could not be refreshed) forgets the profile too.
  watch(
    () => auth.isAuthenticated,
    (signedIn) => {
      if (!signedIn) {
        me.value = null
        etag.value = null
      }
    },
  )

  async function load() {
    const { profile, etag: tag } = await api.readMe()
    set(profile, tag)
    return profile
  }

  /** Saves changes with If-Match; a 412 means it changed elsewhere (the caller reloads). */
  async function save(changes: ProfileUpdate) {
    const { profile, etag: tag } = await api.updateMe(changes, etag.value)
    set(profile, tag)
  }

  // The avatar calls change the profile and its version, so read it again afterwards.
  async function uploadAvatar(file: Blob, onProgress?: Progress) {
    await api.uploadAvatar(file, onProgress)
    return load()
  }

  async function recropAvatar(box: CropBox) {
    await api.recropAvatar(box)
    return load()
  }

  async function deleteAvatar() {
    await api.deleteAvatar()
    return load()
  }

  const changePassword = (input: PasswordChange) => api.changePassword(input)
  /** Mails a link to the new address; the email changes when it is opened. */
  const changeEmail = (input: EmailChange) => api.changeEmail(input)

  async function deleteAccount(input: Reauth) {
    await api.deleteMe(input)
    auth.clear()
  }

  return {
    me,
    etag,
    load,
    save,
    uploadAvatar,
    recropAvatar,
    deleteAvatar,
    changePassword,
    changeEmail,
    deleteAccount,
  }
})

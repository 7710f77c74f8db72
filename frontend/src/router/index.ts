import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'

import { useAuthStore } from '@/stores/auth'
import paths from './paths.json' // also read by the API's web server (real 404s)
import { setPage } from './page'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for signed-in users; others go to the log-in page and come back. */
    requiresAuth?: boolean
    /** Only for visitors (sign up, log in); signed-in users go to their settings. */
    guestOnly?: boolean
    title?: string
    /** The view names the page itself once it knows what it shows (a person's name). */
    titledByView?: boolean
    /** Keep the page out of search engines (pages that do not exist). */
    noindex?: boolean
    /** Only for this role (an admin has every role); anyone else gets the not-found page. */
    role?: 'moderator' | 'admin'
  }
}

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: paths.home, name: 'home', redirect: { name: 'profile-edit' } },
    {
      path: paths.signup,
      name: 'signup',
      component: () => import('@/views/SignUpView.vue'),
      meta: { guestOnly: true, title: 'Create your account' },
    },
    {
      path: paths.login,
      name: 'login',
      component: () => import('@/views/LogInView.vue'),
      meta: { guestOnly: true, title: 'Log in' },
    },
    {
      path: paths['forgot-password'],
      name: 'forgot-password',
      component: () => import('@/views/ForgotPasswordView.vue'),
      meta: { title: 'Forgot your password?' },
    },
    {
      path: paths['reset-password'],
      name: 'reset-password',
      component: () => import('@/views/ResetPasswordView.vue'),
      meta: { title: 'Choose a new password' },
    },
    {
      // Both pages only post the link's token: one view, told which endpoint.
      path: paths['verify-email'],
      name: 'verify-email',
      component: () => import('@/views/EmailLinkView.vue'),
      props: { kind: 'verify' },
      meta: { title: 'Confirm your email' },
    },
    {
      path: paths['confirm-email'],
      name: 'confirm-email',
      component: () => import('@/views/EmailLinkView.vue'),
      props: { kind: 'change' },
      meta: { title: 'Confirm your new email' },
    },
    {
      path: paths['profile-edit'],
      name: 'profile-edit',
      component: () => import('@/views/ProfileEditView.vue'),
      meta: { requiresAuth: true, title: 'Your profile' },
    },
    {
      path: paths.account,
      name: 'account',
      component: () => import('@/views/AccountView.vue'),
      meta: { requiresAuth: true, title: 'Account' },
    },
    {
      path: paths.moderation,
      name: 'moderation',
      component: () => import('@/views/ModerationView.vue'),
      meta: { requiresAuth: true, role: 'moderator', title: 'Moderation' },
    },
    {
      path: paths['admin-users'],
      name: 'admin-users',
      component: () => import('@/views/AdminUsersView.vue'),
      meta: { requiresAuth: true, role: 'admin', title: 'Users · Admin' },
    },
    {
      path: paths['admin-audit'],
      name: 'admin-audit',
      component: () => import('@/views/AdminAuditView.vue'),
      meta: { requiresAuth: true, role: 'admin', title: 'Audit log · Admin' },
    },
    {
      path: paths['admin-webhooks'],
      name: 'admin-webhooks',
      component: () => import('@/views/WebhooksView.vue'),
      meta: { requiresAuth: true, role: 'admin', title: 'Webhooks · Admin' },
    },
    {
      path: paths.models,
      name: 'models',
      component: () => import('@/views/ModelsView.vue'),
      meta: { title: 'Models' },
    },
    {
      path: paths['public-profile'],
      name: 'public-profile',
      component: () => import('@/views/PublicProfileView.vue'),
      props: true,
      meta: { titledByView: true },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('@/views/NotFoundView.vue'),
      meta: { title: 'Not found', noindex: true },
    },
  ],
})

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  // A reload starts with no access token: the refresh cookie may bring the session back.
  await auth.restore()
  // Before the log-in redirect: whether a private page exists is not told to anyone.
  if (to.meta.role && !auth.hasRole(to.meta.role)) return notFound(to)
  if (to.meta.requiresAuth && !auth.isAuthenticated) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.guestOnly && auth.isAuthenticated) return { name: 'profile-edit' }
})

/** The not-found page at the address asked for (as for an unknown URL). */
function notFound(to: RouteLocationNormalized) {
  const pathMatch = to.path.substring(1).split('/')
  return { name: 'not-found', params: { pathMatch }, query: to.query, hash: to.hash }
}

router.afterEach((to, _from, failure) => {
  if (!failure && !to.meta.titledByView) setPage({ title: to.meta.title, noindex: to.meta.noindex })
})

export default router

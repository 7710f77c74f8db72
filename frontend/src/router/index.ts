import { createRouter, createWebHistory } from 'vue-router'

import { useAuthStore } from '@/stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for signed-in users; others go to the log-in page and come back. */
    requiresAuth?: boolean
    /** Only for visitors (sign up, log in); signed-in users go to their settings. */
    guestOnly?: boolean
    title?: string
  }
}

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', name: 'home', redirect: { name: 'profile-edit' } },
    {
      path: '/signup',
      name: 'signup',
      component: () => import('@/views/SignUpView.vue'),
      meta: { guestOnly: true, title: 'Create your account' },
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('@/views/LogInView.vue'),
      meta: { guestOnly: true, title: 'Log in' },
    },
    {
      path: '/settings',
      name: 'profile-edit',
      component: () => import('@/views/ProfileEditView.vue'),
      meta: { requiresAuth: true, title: 'Your profile' },
    },
    {
      path: '/settings/account',
      name: 'account',
      component: () => import('@/views/AccountView.vue'),
      meta: { requiresAuth: true, title: 'Account' },
    },
    {
      path: '/moderation',
      name: 'moderation',
      component: () => import('@/views/ModerationView.vue'),
      meta: { requiresAuth: true, title: 'Moderation' },
    },
    {
      path: '/@:handle',
      name: 'public-profile',
      component: () => import('@/views/PublicProfileView.vue'),
      props: true,
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('@/views/NotFoundView.vue'),
      meta: { title: 'Page not found' },
    },
  ],
})

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  // A reload starts with no access token: the refresh cookie may bring the session back.
  await auth.restore()
  if (to.meta.requiresAuth && !auth.isAuthenticated) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.meta.guestOnly && auth.isAuthenticated) return { name: 'profile-edit' }
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Portrait` : 'Portrait'
})

export default router

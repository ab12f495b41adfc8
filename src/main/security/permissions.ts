import type { Clock } from '../ports/clock'

export interface PermissionQuery {
  permission: string
  /** For `media`: which devices the page asked for. */
  mediaTypes?: readonly string[]
  requestingUrl: string
  isMainFrame: boolean
}

/**
 * Camera access is granted only in a short window that the e-KYC screen opens just before it
 * starts recording; every other permission (microphone, notifications, geolocation, …) is denied.
 */
export interface CameraGrant {
  arm(): void
  isArmed(): boolean
}

export const CAMERA_GRANT_MS = 60_000

export function createCameraGrant(clock: Clock, windowMs = CAMERA_GRANT_MS): CameraGrant {
  let armedUntil = 0
  return {
    arm: () => {
      armedUntil = clock.now().getTime() + windowMs
    },
    isArmed: () => clock.now().getTime() < armedUntil,
  }
}

export function decidePermission(query: PermissionQuery, camera: CameraGrant, isAppUrl: (url: string) => boolean): boolean {
  if (!query.isMainFrame || !isAppUrl(query.requestingUrl)) return false
  const wantsOnlyVideo = query.permission === 'media' && (query.mediaTypes ?? []).length > 0 && (query.mediaTypes ?? []).every((type) => type === 'video')
  return wantsOnlyVideo && camera.isArmed()
}

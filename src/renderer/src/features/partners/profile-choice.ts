import type { PartnerTarget } from '../../../../shared/contract'

/**
 * The profile a partner screen shows after (re)loading the list: the one chosen before if it is
 * still there; else, on Sandbox, the first built-in profile, and on staging or production the first
 * of the user's own; else the first.
 */
export function chooseProfile<Profile extends { name: string; builtIn: boolean }>(profiles: Profile[], chosen: string | undefined, preferredTarget: PartnerTarget): Profile | undefined {
  return profiles.find((profile) => profile.name === chosen) ?? profiles.find((profile) => profile.builtIn === (preferredTarget === 'sandbox')) ?? profiles[0]
}

// Public API of the authorization rules: pure functions over an event and the state it cites.
export { authorizeEvent } from './rules.js';
export { authEventTypesFor, selectAuthEvents, checkAuthEvents, thirdPartyInviteToken, type EventShape } from './auth-events.js';
export {
  LEVEL_DEFAULTS,
  LEVEL_KEYS,
  CREATOR_DEFAULT_LEVEL,
  ROOM_NOTIFICATION_DEFAULT_LEVEL,
  parseLevel,
  levelIn,
  mapLevel,
  powerLevelsEvent,
  roomCreator,
  roomCreators,
  userLevel,
  sendLevel,
  actionLevel,
  notificationLevel,
  type LevelKey,
  type LevelMapKey,
} from './power-levels.js';
export { membershipOf, joinRuleOf } from './state.js';
export { allow, deny, type AuthResult, type AuthOptions } from './result.js';

// The route table: every Client-Server endpoint this server answers. Anything else is 404
// M_UNRECOGNIZED, which clients read as "not supported here".
import type { MatrixContext } from '../context.js';
import type { Route } from '../http/types.js';
import { accountDataRoutes } from './account-data.js';
import { directoryRoutes } from './directory.js';
import { loginRoutes } from './login.js';
import { registerRoutes } from './register.js';
import { accountRoutes } from './account.js';
import { relationRoutes } from './relations.js';
import { threadRoutes } from './threads.js';
import { contextRoutes } from './context.js';
import { searchRoutes } from './search.js';
import { publicRoomRoutes } from './directory-public.js';
import { tagRoutes } from './tags.js';
import { reportRoutes } from './report.js';
import { knockRoutes } from './knock.js';
import { hierarchyRoutes } from './hierarchy.js';
import { roomSummaryRoutes } from './room-summary.js';
import { mutualRoomRoutes } from './mutual-rooms.js';
import { userDirectoryRoutes } from './user-directory.js';
import { forgetRoutes } from './forget.js';
import { upgradeRoutes } from './upgrade.js';
import { membershipRoutes } from './membership.js';
import { messageRoutes } from './messages.js';
import { profileRoutes } from './profile.js';
import { roomStateRoutes } from './room-state.js';
import { roomRoutes } from './rooms.js';
import { syncRoutes } from './sync.js';
import { slidingSyncRoutes } from './sliding-sync.js';
import { threadSubscriptionRoutes } from './thread-subscriptions.js';
import { versionRoutes } from './versions.js';
import { typingRoutes } from './typing.js';
import { receiptRoutes } from './receipts.js';
import { readMarkerRoutes } from './read-markers.js';
import { presenceRoutes } from './presence.js';
import { pushRuleRoutes } from './pushrules.js';
import { pusherRoutes } from './pushers.js';
import { notificationRoutes } from './notifications.js';
import { deviceRoutes } from './devices.js';
import { keyRoutes } from './keys.js';
import { keySigningRoutes } from './keys-signing.js';
import { keyBackupRoutes } from './keys-backup.js';
import { toDeviceRoutes } from './to-device.js';

export function allRoutes(m: MatrixContext): Route[] {
  return [
    ...versionRoutes(m),
    ...loginRoutes(m),
    ...registerRoutes(m),
    ...accountRoutes(m),
    ...relationRoutes(m),
    ...threadRoutes(m),
    ...contextRoutes(m),
    ...searchRoutes(m),
    ...publicRoomRoutes(m),
    ...tagRoutes(m),
    ...reportRoutes(m),
    ...knockRoutes(m),
    ...hierarchyRoutes(m),
    ...roomSummaryRoutes(m),
    ...mutualRoomRoutes(m),
    ...userDirectoryRoutes(m),
    ...forgetRoutes(m),
    ...upgradeRoutes(m),
    ...syncRoutes(m),
    ...slidingSyncRoutes(m),
    ...threadSubscriptionRoutes(m),
    ...roomRoutes(m),
    ...membershipRoutes(m),
    ...messageRoutes(m),
    ...roomStateRoutes(m),
    ...profileRoutes(m),
    ...accountDataRoutes(m),
    ...directoryRoutes(m),
    ...typingRoutes(m),
    ...receiptRoutes(m),
    ...readMarkerRoutes(m),
    ...presenceRoutes(m),
    ...pushRuleRoutes(m),
    ...pusherRoutes(m),
    ...notificationRoutes(m),
    ...deviceRoutes(m),
    ...keyRoutes(m),
    ...keySigningRoutes(m),
    ...keyBackupRoutes(m),
    ...toDeviceRoutes(m),
  ];
}

// The media repository on the Matrix HTTP listener: wraps the JSON pipeline so media paths get
// the raw-bytes pipeline, and tells the core media store the URL it is served at (XMPP upload
// slots and file links point there).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MatrixContext } from '../context.js';
import { checkAccessExpiry } from '../auth/sessions.js';
import { mediaRoutes } from '../endpoints/media.js';
import { mediaListener } from './pipeline.js';
import { userLocked } from '../errors.js';

export function mediaHttp(m: MatrixContext, next: (req: IncomingMessage, res: ServerResponse) => void) {
  m.core.media.setPublicBaseUrl(() => m.baseUrl());
  return mediaListener({
    routes: mediaRoutes(m),
    authenticate: (token) => {
      checkAccessExpiry(m, token);
      const session = m.core.storage.devices.lookupToken(token);
      if (!session) return null;
      if (m.core.accounts.restriction(m.core.accounts.localpartOf(session.userId)!) === 'locked') throw userLocked();
      return { ...session, accessToken: token };
    },
    logger: m.core.logger.child({ module: 'media' }),
  }, next);
}

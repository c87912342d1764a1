// The media route table (served by matrix/media/pipeline.ts, not the JSON pipeline).
import type { MatrixContext } from '../context.js';
import type { MediaRoute } from '../media/pipeline.js';
import { mediaDownloadRoutes } from './media-download.js';
import { mediaSlotRoutes } from './media-slots.js';
import { mediaUploadRoutes } from './media-upload.js';

export function mediaRoutes(m: MatrixContext): MediaRoute[] {
  return [...mediaUploadRoutes(m), ...mediaDownloadRoutes(m), ...mediaSlotRoutes(m)];
}

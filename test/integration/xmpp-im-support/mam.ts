// A XEP-0313 query from a test client: the forwarded messages of the results, in order, and the
// iq answer. (xmpp-mam.test.ts has its own, with the RSM and form details it tests.)
import { xml, type ImClient, type XmlNode } from './im-client.js';

const NS_MAM = 'urn:xmpp:mam:2';
let n = 0;

export async function mamQuery(c: ImClient, fields: Record<string, string> = {}): Promise<{ iq: XmlNode; messages: XmlNode[] }> {
  const queryid = `mq${++n}`;
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
    ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))));
  const iq = await c.iqRaw('set', xml('query', { xmlns: NS_MAM, queryid }, form));
  const messages: XmlNode[] = [];
  for (let i = c.box.length - 1; i >= 0; i--) {
    const el = c.box[i]!;
    const result = el.name === 'message' ? el.getChild('result', NS_MAM) : undefined;
    if (result?.attrs.queryid !== queryid) continue;
    c.box.splice(i, 1);
    messages.unshift(result.getChild('forwarded', 'urn:xmpp:forward:0').getChild('message'));
  }
  return { iq, messages };
}

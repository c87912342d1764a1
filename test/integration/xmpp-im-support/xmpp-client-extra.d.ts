// More of @xmpp/client 0.14's element API than xmpp-support/xmpp-client.d.ts declares (merged with it).
declare module '@xmpp/client' {
  interface XmlNode {
    getChildText(name: string, xmlns?: string): string | null;
    toString(): string;
    children: (XmlNode | string)[];
  }
}

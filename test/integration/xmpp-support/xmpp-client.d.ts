// The part of @xmpp/client 0.14 (which ships no types) that the XMPP integration tests use.
declare module '@xmpp/client' {
  interface XmlNode {
    name: string;
    attrs: Record<string, string>;
    getChild(name: string, xmlns?: string): XmlNode;
    getChildren(name: string, xmlns?: string): XmlNode[];
    text(): string;
  }
  interface Jid {
    toString(): string;
    bare(): Jid;
  }
  interface SaslFactory {
    use(mech: unknown): void;
  }
  interface Client {
    start(): Promise<Jid>;
    stop(): Promise<void>;
    send(el: XmlNode): Promise<void>;
    on(event: string, fn: (...args: unknown[]) => void): void;
    iqCaller: { request(el: XmlNode, timeout?: number): Promise<XmlNode> };
    saslFactory: SaslFactory;
  }
  export function client(options: Record<string, unknown>): Client;
  export function xml(name: string, attrs?: Record<string, string>, ...children: (XmlNode | string)[]): XmlNode;
}

import { XMLParser } from "fast-xml-parser";

/**
 * An XML body (a SOAP envelope: Salesforce outbound messages) as the tree a source
 * mapping's JMESPath walks: namespace prefixes dropped (`sf:StageName` → `StageName`,
 * `soapenv:Envelope` → `Envelope`), attributes as `@_name` (`@_type: sf:Opportunity`),
 * every value kept as text (the vocabularies read it, as a CSV cell), and the elements the
 * mapping names in `xmlArrays` always lists. A document type declaration is refused: SOAP
 * forbids one, and it is how entity-expansion attacks arrive. Throws Error with the reason.
 */
export function parseXmlPayload(text: string, arrays: readonly string[]): unknown {
  if (/<!DOCTYPE/i.test(text)) throw new Error("a document type declaration (<!DOCTYPE …>) is not accepted");
  const lists = new Set(arrays);
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, processEntities: true, htmlEntities: false, isArray: (name) => lists.has(name) });
  const tree = parser.parse(text, true) as Record<string, unknown>;
  delete tree["?xml"];
  return tree;
}

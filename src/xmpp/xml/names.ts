// XML names without a colon (NCName, Namespaces in XML 1.0 §3, on XML 1.0 5th edition's Name).
const START = 'A-Z_a-z\\xC0-\\xD6\\xD8-\\xF6\\xF8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F'
  + '\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const REST = START + '\\-.0-9\\xB7\\u0300-\\u036F\\u203F-\\u2040';
const ASCII_NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;
const NCNAME = new RegExp(`^[${START}][${REST}]*$`, 'u');

export function isNcName(s: string): boolean {
  return ASCII_NCNAME.test(s) || NCNAME.test(s);
}

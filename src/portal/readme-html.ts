import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { SafeHtml } from './html';

/**
 * A README is written by the vendor but shown inside the customer's session, so it is treated as
 * untrusted: Markdown to HTML, then an allow-list sanitizer. No script or style elements, no event
 * handler attributes, and only http(s)/mailto links and https images, so no `javascript:` URL
 * survives; the portal's CSP would refuse inline script anyway.
 */
export function renderReadme(markdown: string): SafeHtml {
  const rendered = marked.parse(markdown, { async: false, gfm: true });
  const clean = sanitizeHtml(rendered, {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags,
      'img',
      'del',
      'ins',
      'sup',
      'sub',
      'details',
      'summary',
      'input',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      input: ['type', 'checked', 'disabled'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowProtocolRelative: false,
    allowedClasses: { code: [/^language-[\w-]+$/] },
    transformTags: {
      // Task-list checkboxes only; any other input is dropped below.
      input: (tagName, attribs) =>
        attribs.type === 'checkbox'
          ? { tagName, attribs: { ...attribs, disabled: '' } }
          : { tagName: 'span', attribs: {} },
      a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
    },
  });
  return new SafeHtml(clean);
}

import { renderReadme } from './readme-html';

describe('renderReadme', () => {
  it('renders Markdown', () => {
    const out = renderReadme(
      '# Widget\n\nUse **it**:\n\n```php\n$w = new Widget();\n```\n\n[Docs](https://example.com/docs)',
    ).value;
    expect(out).toContain('<h1>Widget</h1>');
    expect(out).toContain('<strong>it</strong>');
    expect(out).toContain('<code class="language-php">');
    expect(out).toContain('<a href="https://example.com/docs" rel="nofollow noopener noreferrer">Docs</a>');
  });

  it.each([
    ['<script>alert(1)</script>', /<script/i],
    ['<img src="https://x/y.png" onerror="alert(1)">', /onerror/i],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/i],
    ['[x](javascript:alert(1))', /javascript:/i],
    ['[x](JaVaScRiPt&#58;alert(1))', /javascript/i],
    ['<iframe src="https://evil"></iframe>', /<iframe/i],
    ['<svg onload="alert(1)"></svg>', /onload|<svg/i],
    ['<style>body{display:none}</style>', /<style/i],
    ['<img src="data:image/svg+xml;base64,PHN2Zz4=">', /data:/i],
    ['<div style="background:url(javascript:alert(1))">x</div>', /style=|javascript/i],
    ['<form action="https://evil"><input name="token"></form>', /<form|<input/i],
  ])('makes %s inert', (input, forbidden) => {
    expect(renderReadme(input).value).not.toMatch(forbidden);
  });
});

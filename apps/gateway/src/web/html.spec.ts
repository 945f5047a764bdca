import { html, SafeHtml } from './html';

describe('html', () => {
  it('escapes interpolated text, including attribute quotes', () => {
    const evil = `"><script>alert('x')</script>&`;
    // prettier-ignore
    const out = html`<a title="${evil}">${evil}</a>`.value;
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('keeps nested html, joins arrays and drops empty values', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    // prettier-ignore
    const out = html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value;
    expect(out).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(html`${new SafeHtml('<br>')}`.value).toBe('<br>');
  });
});

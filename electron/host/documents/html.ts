/**
 * Text of an HTML page, never its markup: scripts, styles and other non-content elements are
 * dropped, block elements become line breaks, entities are decoded. The result is only ever shown
 * as text (see DESIGN.md: document text is never rendered as HTML).
 *
 * Tokenising is htmlparser2's Tokenizer: a single-pass state machine (linear in the input, each
 * character visited once) that already knows raw-text elements (<script>, <style>, <title>…),
 * comments, CDATA and entities, including unclosed `<!--`, `<p ` or `<script>` at the end of a file.
 * We use the Tokenizer rather than htmlparser2's Parser because the Parser keeps open elements in
 * an array it `unshift`s and `indexOf`s: thousands of unclosed tags make it quadratic (1/4 MB of
 * `<div>` took 3 s). We need no element stack: only counters for the elements whose content is
 * dropped, so memory and time stay linear whatever the nesting.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { TextBudget } from './errors.js';

/** Elements whose content is not page text. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object', 'canvas',
  'select', 'title', 'noembed', 'noframes']);
/** Of those, the ones the Tokenizer reads as raw text up to their own end tag. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'iframe', 'noembed', 'noframes']);
/** What may stand in <head>; any other element implies the head ended (its end tag is optional). */
const HEAD_CONTENT = new Set(['title', 'base', 'link', 'meta', 'style', 'script', 'noscript', 'template', 'head', 'html']);
/** Elements that start a new line of text. */
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'caption', 'body']);
/** Whitespace in HTML source is not layout (<pre> is the exception we accept losing). */
const WS_RUN = /[ \t\n\r\f]+/;

class TextCollector implements TokenizerCallbacks {
  /** Open dropped elements by name; counters, not a stack, so deep nesting costs nothing. */
  private readonly open = new Map<string, number>();
  private dropping = 0;
  private foreign = 0;
  private tag = '';
  private closing = false;
  private pendingSpace = false;
  private newlines = 2; // start of text counts as after a paragraph break: no leading space
  constructor(private readonly html: string, private readonly out: TextBudget) {}

  private text(s: string): void {
    if (this.dropping > 0) return;
    const words = s.split(WS_RUN);
    for (let i = 0; i < words.length; i++) {
      if (i > 0) this.pendingSpace = true;
      const w = words[i]!;
      if (w === '') continue;
      if (this.pendingSpace && this.newlines === 0) this.out.push(' ');
      this.out.push(w);
      this.pendingSpace = false;
      this.newlines = 0;
    }
  }

  private lineBreak(): void {
    if (this.dropping > 0) return;
    this.pendingSpace = false;
    // Two in a row make a paragraph break; more would be removed by normalisation anyway.
    if (this.newlines < 2) { this.out.push('\n'); this.newlines++; }
  }

  private enter(name: string): void {
    if (this.open.get('head') && !HEAD_CONTENT.has(name)) this.leaveAll('head');
    if (name === 'svg' || name === 'math') this.foreign++;
    if (DROPPED.has(name)) {
      this.open.set(name, (this.open.get(name) ?? 0) + 1);
      this.dropping++;
    } else if (BLOCK.has(name)) {
      this.lineBreak();
    }
  }

  private leave(name: string): void {
    if (name === 'svg' || name === 'math') this.foreign = Math.max(0, this.foreign - 1);
    const n = this.open.get(name) ?? 0;
    if (n > 0) {
      this.open.set(name, n - 1);
      this.dropping--;
    } else if (BLOCK.has(name)) {
      this.lineBreak();
    }
  }

  private leaveAll(name: string): void {
    this.dropping -= this.open.get(name) ?? 0;
    this.open.delete(name);
  }

  // -- Tokenizer callbacks: indices are offsets into `html` (written in one piece) ------------
  ontext(start: number, end: number): void { this.text(this.html.slice(start, end)); }
  ontextentity(codepoint: number): void { this.text(String.fromCodePoint(codepoint)); }
  onopentagname(start: number, end: number): void { this.tag = this.html.slice(start, end).toLowerCase(); this.closing = false; }
  onopentagend(): void {
    // `<br>` and `<hr>` are void: a line break, never an open element.
    if (this.tag === 'br' || this.tag === 'hr') { this.lineBreak(); return; }
    if (this.tag === 'body') this.leaveAll('head');
    this.enter(this.tag);
  }
  onselfclosingtag(): void {
    // HTML ignores "/>" except in SVG/MathML, and the Tokenizer then does not enter raw-text mode;
    // either way nothing stays open, so a self-closed element drops nothing.
    if (this.tag === 'br' || this.tag === 'hr' || BLOCK.has(this.tag)) this.lineBreak();
  }
  onclosetag(start: number, end: number): void {
    const name = this.html.slice(start, end).toLowerCase();
    if (name === 'br') { this.lineBreak(); return; }
    this.leave(name);
  }
  isInForeignContext(): boolean { return this.foreign > 0; }
  onattribdata(): void { /* attributes are not text */ }
  onattribentity(): void { /* attributes are not text */ }
  onattribend(): void { /* attributes are not text */ }
  onattribname(): void { /* attributes are not text */ }
  oncdata(): void { /* CDATA only exists in SVG/MathML, which are dropped */ }
  oncomment(): void { /* comments are not text */ }
  ondeclaration(): void { /* <!doctype> */ }
  onprocessinginstruction(): void { /* <?xml …?> */ }
  onend(): void { /* the caller reads the budget */ }
}

/** Page text of `html`; throws DOC_TOO_LARGE as soon as the text passes `budget`'s limit. */
export function htmlToText(html: string, budget: TextBudget = new TextBudget(Infinity)): string {
  const tokenizer = new Tokenizer({ decodeEntities: true }, new TextCollector(html, budget));
  tokenizer.write(html);
  tokenizer.end();
  return budget.text();
}

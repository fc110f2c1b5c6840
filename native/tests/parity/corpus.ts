/**
 * Texts for the parity test: a tokenization corpus (many scripts and whitespace shapes) and the
 * prompts whose logits and greedy continuations are compared.
 */
import type { TokenizerName } from '../support/test-models.js';

/** llama.cpp's own pre-tokenizer check text (convert_hf_to_gguf.py chktxt). */
const CHKTXT = '\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple emojis concatenated) ✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български \'\'\'\'\'\'```````""""......!!!!!!?????? I\'ve been \'told he\'s there, \'RE you sure? \'M not sure I\'ll make it, \'D you like some tea? We\'Ve a\'lL';

const PYTHON = [
  'def mean(xs):',
  '\t"""Average of a list."""',
  '\tif not xs:',
  '\t\treturn 0.0',
  '\ttotal = 0',
  '\tfor x in xs:\t# tab inside a line',
  '\t\ttotal += x',
  '\treturn total / len(xs)',
  '',
  'class Point:',
  '    def __init__(self, x: float, y: float) -> None:',
  '        self.x, self.y = x, y   ',
  '',
].join('\n');

const JS = 'const f = (a, b) => {\n  if (a === b) { return `same: ${a}`; }\n  return a?.length ?? 0;\n};\n\n\n// done\r\nexport default f;\n';

export const TOKENIZATION_CORPUS: { label: string; text: string }[] = [
  { label: 'empty', text: '' },
  { label: 'one space', text: ' ' },
  { label: 'one newline', text: '\n' },
  { label: 'english', text: 'The quick brown fox jumps over the lazy dog. It\'s 5 o\'clock; we\'ll see what they\'ve done, DON\'T WE? I\'M SURE.' },
  { label: 'german', text: 'Größenordnung der Straße: Über 30 Äpfel, Öl und Fußgängerübergänge. Das Mädchen läuft schnell – „wirklich“?' },
  { label: 'chinese', text: '长文档问答需要在整份文档上保持注意力。滑动窗口注意力（SWA）把计算量降到线性，同时保留最近的上下文。' },
  { label: 'japanese', text: '東京は日本の首都です。ひらがな、カタカナ、漢字を混ぜて書きます。ｶﾀｶﾅ（半角）も　全角スペースも。' },
  { label: 'arabic', text: 'مرحبا بالعالم! هذه جملة باللغة العربية مع أرقام ١٢٣٤٥ و 67890.' },
  { label: 'russian', text: 'Съешь же ещё этих мягких французских булок, да выпей чаю. ЁЛКИ-ПАЛКИ!' },
  { label: 'korean+hindi+thai', text: '안녕하세요 세계. नमस्ते दुनिया। สวัสดีชาวโลก' },
  { label: 'python tabs', text: PYTHON },
  { label: 'js crlf', text: JS },
  { label: 'emoji zwj', text: 'Family 👨‍👩‍👧‍👦, flag 🏳️‍🌈, thumbs 👍🏽, shrug 🤷‍♂️, keycap 1️⃣, flags 🇩🇪🇯🇵, 🧑🏿‍💻.' },
  { label: 'spaces', text: 'a  b   c    d     e\t\tf \t g   \n   h' },
  { label: 'newlines', text: 'x\n\ny\n\n\nz\n \n \n\n\n\n\nend\n\n' },
  { label: 'leading/trailing ws', text: '   leading and trailing   ' },
  { label: 'numbers', text: '3 33 333 3333 33333 1234567890 3.14159 1,000,000 -42 +7 1e10 0x1F 2026-11-25 12:30:45 ٣٤٥ ５６７' },
  { label: 'punctuation runs', text: '...!!!???---===***~~~```\'\'\'""" <<>> [[ ]] {{ }} @@ ## $$ %% ^^ && || \\\\ //' },
  { label: 'combining (NFD)', text: 'Cafe\u0301 na\u0308ive re\u0301sume\u0301 — precomposed: Café naïve résumé' },
  { label: 'contractions caps', text: "'S 'T 'RE 'VE 'M 'LL 'D 's 't 're 've 'm 'll 'd it's IT'S" },
  { label: 'chktxt', text: CHKTXT },
  { label: 'qwen specials', text: '<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n' },
  { label: 'llama specials', text: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n' },
  { label: 'special-like text', text: '<|not_a_token|> <|im_start <im_start|> <|eot_id| <|endoftext|>tail' },
];

const DOC = [
  'Sliding Window Attention Adaptation lets a model trained with full attention read long documents with a',
  'window: most layers only look at the most recent keys plus a few sink tokens at the start, while some',
  'layers keep full attention. The runtime must still match llama.cpp exactly when the window is disabled.',
  'Dokumente werden in Blöcken gelesen; 文档按块读取; ドキュメントはチャンクごとに読み込まれます; документ читается частями.',
].join(' ');

export interface ParityPrompt {
  label: string;
  text: string;
  /** Positions whose full logits are compared (default: every position). */
  logitPositions?: (nTokens: number) => number[];
}

/**
 * Prompts whose logits and 64-token greedy continuations are compared. All positions of the short
 * ones; the long one (more than one 512-token prefill chunk) is checked at every 32nd position, around
 * the chunk boundary and at its end, because node-llama-cpp hands over full logits slowly.
 */
export function parityPrompts(tokenizer: TokenizerName): ParityPrompt[] {
  const chat = tokenizer === 'qwen3'
    ? '<|im_start|>system\nAnswer from the document.<|im_end|>\n<|im_start|>user\nWhat does SWAA change?<|im_end|>\n<|im_start|>assistant\n'
    : '<|start_header_id|>system<|end_header_id|>\n\nAnswer from the document.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat does SWAA change?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n';
  let long = '';
  for (let i = 0; long.length < 2600; i++) long += `§${i + 1}. ${DOC}\n`;
  const sampled = (n: number) => Array.from({ length: n }, (_, i) => i)
    .filter((i) => i % 32 === 0 || (i >= 504 && i < 520) || i >= n - 8);
  const corpus = (label: string) => TOKENIZATION_CORPUS.find((c) => c.label === label)!.text;
  return [
    { label: 'one word', text: 'The' },
    { label: 'english', text: 'Once upon a time, in a small village by the sea, there lived an old fisherman who told stories about the tides.' },
    { label: 'multilingual', text: `${corpus('german')}\n${corpus('chinese')}\n${corpus('arabic')} ${corpus('emoji zwj')}` },
    { label: 'code', text: PYTHON },
    { label: 'chat', text: chat },
    { label: 'long (>1 chunk)', text: long, logitPositions: sampled },
  ];
}

import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent.ts';

describe('a User-Agent in words', () => {
  it('names the browser and the system', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Windows');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
      ),
    ).toBe('Edge on Windows');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox on Linux',
    );
    expect(
      describeUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
      ),
    ).toBe('Headless Chrome on Linux');
  });

  it('names tools without a system', () => {
    expect(describeUserAgent('curl/8.5.0')).toBe('curl');
  });

  it('keeps what it does not recognise, shortened, and nothing for no value', () => {
    expect(describeUserAgent('PlantBot/1.0')).toBe('PlantBot/1.0');
    expect(describeUserAgent('x'.repeat(80))).toHaveLength(60);
    expect(describeUserAgent(null)).toBeNull();
  });
});

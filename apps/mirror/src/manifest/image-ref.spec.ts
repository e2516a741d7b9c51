import { parseImageRef, tagOf } from './image-ref';

describe('parseImageRef', () => {
  it.each([
    ['127.0.0.1:4000/acme-web:abc1234', { repository: '127.0.0.1:4000/acme-web', tag: 'abc1234', digest: null }],
    ['127.0.0.1:4000/acme-web', { repository: '127.0.0.1:4000/acme-web', tag: null, digest: null }],
    [
      'reg.kr.ncr.ntruss.com/a/b:v1@sha256:00ff',
      { repository: 'reg.kr.ncr.ntruss.com/a/b', tag: 'v1', digest: 'sha256:00ff' },
    ],
    ['nginx', { repository: 'nginx', tag: null, digest: null }],
  ])('splits %s', (reference, expected) => {
    expect(parseImageRef(reference)).toEqual(expected);
  });

  it('names a deployment by its tag, else its digest', () => {
    expect(tagOf('r/a:v1')).toBe('v1');
    expect(tagOf('r/a@sha256:00ff')).toBe('sha256:00ff');
    expect(tagOf('r:5000/a')).toBeNull();
  });
});

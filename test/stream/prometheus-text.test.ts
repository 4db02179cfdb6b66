// The test parser of the Prometheus text format is itself held to the format: the example of the format's
// documentation parses to its values, and each rule the format states is enforced.
import { describe, expect, test } from 'vitest';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

// The example of https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-example.
const SPEC_EXAMPLE = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;

describe('parsePrometheusText', () => {
  test('the format documentation\'s example parses to its values', () => {
    const f = parsePrometheusText(SPEC_EXAMPLE);
    expect([...f.keys()]).toEqual(['http_requests_total', 'msdos_file_access_time_seconds', 'metric_without_timestamp_and_labels',
      'something_weird', 'http_request_duration_seconds', 'rpc_duration_seconds']);
    expect(f.get('http_requests_total')).toMatchObject({ type: 'counter', help: 'The total number of HTTP requests.' });
    expect(sampleValue(f, 'http_requests_total', { method: 'post', code: '400' })).toBe(3);
    expect(f.get('msdos_file_access_time_seconds')!.samples[0]!.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(sampleValue(f, 'something_weird', { problem: 'division by zero' })).toBe(Infinity);
    expect(f.get('http_request_duration_seconds')!.samples).toHaveLength(8);
    expect(sampleValue(f, 'rpc_duration_seconds', { quantile: '0.99' })).toBe(76656);
    expect(sampleValue(f, 'rpc_duration_seconds_sum')).toBe(17560473);
  });

  test.each([
    ['no final newline', 'a 1'],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
    ['a second HELP', '# HELP a x\n# HELP a y\na 1\n'],
    ['TYPE after the samples', 'a 1\n# TYPE a gauge\n'],
    ['an unknown type', '# TYPE a meter\na 1\n'],
    ['a family in two groups', 'a 1\nb 1\na{x="1"} 2\n'],
    ['a duplicate series', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['a bad value', 'a one\n'],
    ['a bad metric name', '1a 1\n'],
    ['a reserved label name', 'a{__x="1"} 1\n'],
    ['a label twice', 'a{x="1",x="2"} 1\n'],
    ['an unterminated label value', 'a{x="1} 1\n'],
    ['an unknown escape', 'a{x="\\t"} 1\n'],
    ['a negative counter', '# TYPE a counter\na -1\n'],
    ['histogram buckets that fall', '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 4\nh_sum 1\nh_count 4\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 5\nh_sum 1\nh_count 5\n'],
    ['a histogram whose count is not its +Inf bucket', '# TYPE h histogram\nh_bucket{le="+Inf"} 5\nh_sum 1\nh_count 6\n'],
    ['a summary sample without quantile', '# TYPE s summary\ns 1\ns_sum 1\ns_count 1\n'],
    ['a sample without a value', 'a\n'],
    ['a sample with two values and a timestamp', 'a 1 2 3\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});

"""Where the CPU went in a JFR recording: execution samples by thread pool and by the framework of
their innermost recognised frame.  python3 jfr-summary.py <jfr-tool> <recording.jfr>"""
import collections
import re
import subprocess
import sys

FRAMEWORKS = [
    ('Artemis journal', 'org.apache.activemq.artemis.core.journal'),
    ('Artemis', 'org.apache.activemq'),
    ('H2 (state store)', 'org.h2'),
    ('Spring Security', 'org.springframework.security'),
    ('Tomcat', 'org.apache.catalina'), ('Tomcat', 'org.apache.coyote'), ('Tomcat', 'org.apache.tomcat'),
    ('Spring JMS', 'org.springframework.jms'),
    ('Spring Web / MVC', 'org.springframework.web'),
    ('Camel', 'org.apache.camel'),
    ('Jackson', 'com.fasterxml'),
    ('Logback', 'ch.qos.logback'),
    ('Micrometer', 'io.micrometer'),
    ('the hub', 'io.chatopshub'),
]

tool, recording = sys.argv[1], sys.argv[2]
text = subprocess.run([tool, 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '200', recording],
                      capture_output=True, text=True, check=True).stdout
threads, frameworks, total = collections.Counter(), collections.Counter(), 0
for sample in text.split('jdk.ExecutionSample {')[1:]:
    thread = re.search(r'sampledThread = "([^"]*)"', sample)
    frames = re.findall(r'^\s+([\w.$<>/]+)\(', sample, re.M)
    if not thread or not frames:
        continue
    total += 1
    threads[re.sub(r'\d+', '#', thread.group(1))] += 1
    found = 'JDK and other'
    for frame in frames:
        hit = next((name for name, prefix in FRAMEWORKS if frame.startswith(prefix)), None)
        if hit:
            found = hit
            break
    frameworks[found] += 1
print(f'{total} execution samples')
print('by thread:')
for name, n in threads.most_common(8):
    print(f'  {n * 100 / total:5.1f}%  {name}')
print('by framework (innermost recognised frame):')
for name, n in frameworks.most_common():
    print(f'  {n * 100 / total:5.1f}%  {name}')

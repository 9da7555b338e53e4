/* The floor of bench/startup.py on this machine: the least a server can do
 * to be "ready" there. It binds 127.0.0.1 on port 0, says so on stderr the
 * way the emulator's log does ("listening on http://HOST:PORT "), and
 * answers every connection "200 OK" after one read of its request. It allocates
 * nothing, starts no thread, and takes and ignores the emulator's flags
 * (`--help` exits at once: it has no --ports-file). bench/run.sh builds it
 * with the system's C compiler and times it beside the emulator, so a
 * start-up figure comes with what the same exec, loader and first page
 * faults cost on the same machine that day. A tool, not a test; loopback
 * only, stopped by the bench's SIGTERM. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "--help") == 0) return 0;
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (s < 0 || bind(s, (struct sockaddr*)&a, sizeof a) != 0 || listen(s, 64) != 0 ||
      getsockname(s, (struct sockaddr*)&a, &len) != 0) {
    perror("startup_floor");
    return 1;
  }
  fprintf(stderr, "listening on http://127.0.0.1:%d \n", ntohs(a.sin_port));
  static const char answer[] = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  for (;;) {
    const int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    char request[1024];
    if (read(c, request, sizeof request) < 0) perror("startup_floor");
    if (write(c, answer, sizeof answer - 1) < 0) perror("startup_floor");
    close(c);
  }
}

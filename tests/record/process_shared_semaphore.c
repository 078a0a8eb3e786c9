/* A parent waits on a named semaphore that its child posts after a while
 * (longer than the watchdog's hang time): a wait another process ends. The
 * parent is the only recorded thread and it is blocked, but this is no hang:
 * weft must not stop the program. Clean, exit 0. */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  char name[64];
  snprintf(name, sizeof name, "/weft-record-test-%d", (int)getpid());
  sem_t* done = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
  if (done == SEM_FAILED) { perror("sem_open"); return 1; }
  sem_unlink(name);
  pid_t child = fork();
  if (child == 0) {
    struct timespec pause = {0, 600 * 1000 * 1000};
    nanosleep(&pause, NULL);
    sem_post(done);
    _exit(0);
  }
  sem_wait(done);
  int status = 0;
  waitpid(child, &status, 0);
  sem_close(done);
  printf("child posted, exit %d\n", WEXITSTATUS(status));
  return 0;
}

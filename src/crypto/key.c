/*-------------------------------------------------------------------------
 *
 * key.c
 *		The master keys: the settings that name their files, reading and
 *		checking a file, a key's id.
 *
 * A key file holds exactly RR_KEY_LEN bytes and is a regular file that
 * group and others cannot read (or, owned by root, may only read through
 * its group), as PostgreSQL asks of ssl_key_file.  The file is read each
 * time a key is needed, so a new key takes effect with the setting, and no
 * key stays in memory longer than one use: callers wipe it with
 * rr_key_forget().  A key's id is the start of the SHA-256 of a fixed
 * prefix and the key, in hex; it tells keys apart and says nothing of the
 * key.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto/key.h"
#include "utils/guc.h"

/* What a key id hashes before the key. */
#define KEY_ID_PREFIX	"reporunner master key id"

/* reporunner.key_file and reporunner.old_key_file */
static char *key_file = NULL;
static char *old_key_file = NULL;

/*
 * key_id
 *		The id of key->bytes into key->id.
 */
static void
key_id(RrKey *key)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	bool		ok;
	int			i;

	ok = ctx != NULL &&
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
		EVP_DigestUpdate(ctx, KEY_ID_PREFIX, strlen(KEY_ID_PREFIX)) == 1 &&
		EVP_DigestUpdate(ctx, key->bytes, RR_KEY_LEN) == 1 &&
		EVP_DigestFinal_ex(ctx, digest, &len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok || len < RR_KEY_ID_LEN / 2)
	{
		rr_key_forget(key);
		elog(ERROR, "could not compute the id of a key");
	}
	for (i = 0; i < RR_KEY_ID_LEN / 2; i++)
		snprintf(key->id + 2 * i, 3, "%02x", digest[i]);
	explicit_bzero(digest, sizeof(digest));
}

/*
 * read_key
 *		The key in the file named by setting (whose value is path) into
 *		*key, or an ERROR saying what is wrong with the file.
 */
static void
read_key(const char *setting, const char *path, RrKey *key)
{
	int			fd = open(path, O_RDONLY | PG_BINARY | O_CLOEXEC, 0);
	struct stat st;
	ssize_t		n = -1;
	int			save_errno;
	bool		unsafe;
	uint8		extra;

	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open the key file \"%s\" named by %s: %m",
						path, setting),
				 errhint("Create a key file as the server's operating system user with: head -c %d /dev/urandom > FILE && chmod 600 FILE",
						 RR_KEY_LEN)));
	if (fstat(fd, &st) < 0)
	{
		save_errno = errno;
		close(fd);
		errno = save_errno;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat the key file \"%s\": %m", path)));
	}
	/* as PostgreSQL's check of ssl_key_file */
	unsafe = (st.st_uid == geteuid() &&
			  (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) ||
		(st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) != 0) ||
		(st.st_uid != geteuid() && st.st_uid != 0);
	if (S_ISREG(st.st_mode) && !unsafe)
	{
		n = read(fd, key->bytes, RR_KEY_LEN);
		/* one byte more would be a file that is too long */
		if (n == RR_KEY_LEN && read(fd, &extra, 1) != 0)
			n = -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("the key file \"%s\" named by %s is not a regular file",
						path, setting)));
	if (unsafe)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("the key file \"%s\" named by %s is not safe", path,
						setting),
				 errdetail("A key file must be a regular file owned by the server's user (or root) that others cannot read or write."),
				 errhint("chmod 600 %s", path)));
	if (n != RR_KEY_LEN)
	{
		rr_key_forget(key);
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("the key file \"%s\" named by %s does not hold exactly %d bytes",
						path, setting, RR_KEY_LEN),
				 errhint("Create a key file with: head -c %d /dev/urandom > FILE && chmod 600 FILE",
						 RR_KEY_LEN)));
	}
	key_id(key);
}

void
rr_key_current(RrKey *key)
{
	if (key_file == NULL || key_file[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("reporunner.key_file is not set"),
				 errdetail("Credentials are sealed under a %d-byte master key read from the file reporunner.key_file names.",
						   RR_KEY_LEN),
				 errhint("A superuser creates a key file as the server's operating system user, e.g. head -c %d /dev/urandom > /etc/reporunner/master.key && chmod 600 /etc/reporunner/master.key, then runs ALTER SYSTEM SET reporunner.key_file = '/etc/reporunner/master.key'; SELECT pg_reload_conf();",
						 RR_KEY_LEN)));
	read_key("reporunner.key_file", key_file, key);
}

bool
rr_key_old(RrKey *key)
{
	if (old_key_file == NULL || old_key_file[0] == '\0')
		return false;
	read_key("reporunner.old_key_file", old_key_file, key);
	return true;
}

void
rr_key_forget(RrKey *key)
{
	explicit_bzero(key, sizeof(RrKey));
}

void
rr_key_init(void)
{
	DefineCustomStringVariable("reporunner.key_file",
							   "File holding the 32-byte master key credentials are sealed under.",
							   "A path, relative to the data directory or absolute; the file must not be readable by group or others.",
							   &key_file,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY,
							   NULL,
							   NULL,
							   NULL);
	DefineCustomStringVariable("reporunner.old_key_file",
							   "File holding the master key credentials were sealed under before reporunner.key_file.",
							   "Rows still sealed under it can be opened, and reporunner.rotate_key() re-seals them under the current key.",
							   &old_key_file,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY,
							   NULL,
							   NULL,
							   NULL);
}

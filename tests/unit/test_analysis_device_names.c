/* Device names for every era: iommu_dev_data->dev (6.x, 7.x),
 * iommu_dev_data->pdev (5.10), the PCI bus tree as the fallback, and a
 * problem naming the device when no name is found. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "synth_kernel.h"

#define DD_LIST_SYM	0xffffffff82000400ull	/* static LLIST_HEAD(dev_data_list) */
#define ROOTS_SYM	0xffffffff82000500ull	/* pci_root_buses */
#define DD_KV		0xffff888000500000ull	/* struct iommu_dev_data */
#define PDEV_KV		0xffff888000600000ull	/* struct pci_dev */
#define BUS_KV		0xffff888000700000ull	/* struct pci_bus */
#define STR_KV		0xffff888000800000ull	/* "0000:00:03.0" */
#define DRV_KV		0xffff888000801000ull	/* struct device_driver */
#define DRVSTR_KV	0xffff888000802000ull	/* "e1000" */

/* offsets of our own choosing */
#define DD_NODE		8
#define DD_DEVID	16
#define DD_PDEV		24
#define PDEV_BUS_LIST	0
#define PDEV_DEV	64	/* struct device embedded in pci_dev */
#define DEV_KOBJ	0
#define KOBJ_NAME	0
#define DEV_DRIVER	40
#define BUS_NODE	0
#define BUS_CHILDREN	16
#define BUS_DEVICES	32

static void member(struct fixture *fx, const char *s, const char *m, long off, int ptr)
{
	struct target_member tm = { .offset = off, .size = 8, .is_pointer = ptr != 0 };

	fixture_add_member(fx, s, m, TARGET_OK, &tm);
}

static void mem64(struct fixture *fx, uint64_t addr, uint64_t v)
{
	fixture_add_memory(fx, TARGET_KVADDR, addr, 8, &v, TARGET_OK);
}

static void str(struct fixture *fx, uint64_t addr, const char *s)
{
	fixture_add_memory(fx, TARGET_KVADDR, addr, strlen(s) + 1, s, TARGET_OK);
}

enum setup { VIA_PDEV, VIA_PCI_LIST, PCI_LIST_CYCLE, NO_NAME, DRIVER_UNAVAILABLE };

/* A 5.10-like kernel (global device table): 00:03.0 identity-mapped,
 * 00:04.0 identity-mapped and known to nobody, the rest blocked. */
static struct analysis *run(enum setup how, struct fixture **fxp)
{
	struct fixture *fx = fixture_new();
	static struct synth_iommu io;
	struct analysis_options opt;
	struct target t;

	memset(&io, 0, sizeof(io));
	io.last_bdf = 63;
	io.mmio_phys = 0xfeb80000;
	io.devid = 0x10;
	io.dte = calloc(64, sizeof(*io.dte));
	for (int i = 0; i < 64; i++)
		io.dte[i][0] = 0x3;			/* V, TV, mode 0: blocked */
	io.dte[0x18][0] = 0x6000000000000001ull;	/* V, IR, IW: identity */
	io.dte[0x20][0] = 0x6000000000000001ull;

	/* the struct device of 00:03.0, reached either way */
	member(fx, "device", "kobj", DEV_KOBJ, 0);
	member(fx, "kobject", "name", KOBJ_NAME, 1);
	member(fx, "device", "driver", DEV_DRIVER, 1);
	member(fx, "device_driver", "name", 0, 1);
	member(fx, "pci_dev", "dev", PDEV_DEV, 0);
	member(fx, "pci_dev", "bus_list", PDEV_BUS_LIST, 0);
	member(fx, "pci_bus", "node", BUS_NODE, 0);
	member(fx, "pci_bus", "children", BUS_CHILDREN, 0);
	member(fx, "pci_bus", "devices", BUS_DEVICES, 0);
	mem64(fx, PDEV_KV + PDEV_DEV + DEV_KOBJ + KOBJ_NAME, STR_KV);
	mem64(fx, PDEV_KV + PDEV_DEV + DEV_DRIVER, DRV_KV);
	if (how == DRIVER_UNAVAILABLE)	/* a module's struct, under crash --minimal */
		fixture_add_memory(fx, TARGET_KVADDR, DRV_KV, 8, NULL, TARGET_E_UNAVAILABLE);
	else
		mem64(fx, DRV_KV, DRVSTR_KV);
	str(fx, STR_KV, "0000:00:03.0");
	str(fx, DRVSTR_KV, "e1000");

	/* 5.10's iommu_dev_data: pdev, no dev */
	fixture_add_member(fx, "iommu_dev_data", "dev", TARGET_E_NOTFOUND, NULL);
	member(fx, "iommu_dev_data", "dev_data_list", DD_NODE, 0);
	member(fx, "iommu_dev_data", "devid", DD_DEVID, 0);
	member(fx, "iommu_dev_data", "pdev", DD_PDEV, 1);
	if (how == VIA_PDEV || how == DRIVER_UNAVAILABLE) {
		uint64_t dd[4] = { 0, 0, 0x18, PDEV_KV };

		fixture_add_symbol(fx, "dev_data_list", TARGET_OK, DD_LIST_SYM);
		mem64(fx, DD_LIST_SYM, DD_KV + DD_NODE);
		fixture_add_memory(fx, TARGET_KVADDR, DD_KV, sizeof(dd), dd, TARGET_OK);
	}
	if (how == VIA_PCI_LIST || how == PCI_LIST_CYCLE) {
		fixture_add_symbol(fx, "pci_root_buses", TARGET_OK, ROOTS_SYM);
		mem64(fx, ROOTS_SYM, BUS_KV + BUS_NODE);
		mem64(fx, BUS_KV + BUS_NODE, ROOTS_SYM);		/* the only root bus */
		mem64(fx, BUS_KV + BUS_CHILDREN, BUS_KV + BUS_CHILDREN);	/* no children */
		mem64(fx, BUS_KV + BUS_DEVICES, PDEV_KV + PDEV_BUS_LIST);
		/* one device on the bus, or a list that never comes back to its head */
		mem64(fx, PDEV_KV + PDEV_BUS_LIST,
		      how == PCI_LIST_CYCLE ? PDEV_KV + PDEV_BUS_LIST : BUS_KV + BUS_DEVICES);
	} else {
		fixture_add_symbol(fx, "pci_root_buses", TARGET_E_NOTFOUND, 0);
	}
	synth_kernel(fx, SYNTH_5X, &io);
	free(io.dte);

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	opt.no_walk = true;
	*fxp = fx;
	return analysis_run(&t, &opt);
}

static const struct dev_info *dev(const struct analysis *a, uint16_t devid)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (a->devs[i].devid == devid)
			return &a->devs[i];
	ck_abort_msg("no device %#x", devid);
	return NULL;
}

static const struct problem *problem_about(const struct analysis *a, const char *what)
{
	for (size_t i = 0; i < a->pb.n; i++)
		if (!strcmp(a->pb.list[i].what, what))
			return &a->pb.list[i];
	return NULL;
}

START_TEST(test_names_via_pdev)
{
	struct fixture *fx;
	struct analysis *a = run(VIA_PDEV, &fx);
	const struct problem *p;

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(dev(a, 0x18)->name, "0000:00:03.0");
	ck_assert_str_eq(dev(a, 0x18)->driver, "e1000");
	ck_assert_int_eq(dev(a, 0x18)->name_source, DEV_NAME_DEV_DATA);
	ck_assert_uint_eq(dev(a, 0x18)->dev_data, DD_KV);
	/* 00:04.0 has no dev_data and the PCI list is not in the symbols */
	ck_assert_int_eq(dev(a, 0x20)->name_source, DEV_NAME_DEVID);
	p = problem_about(a, "0000:00:04.0");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p->why, "no iommu_dev_data for this devid"));
	ck_assert_ptr_nonnull(strstr(p->why, "pci_root_buses is not in the symbols"));
	/* blocked DTEs get no problem */
	ck_assert_ptr_null(problem_about(a, "0000:00:05.0"));
	ck_assert_ptr_null(problem_about(a, "0000:00:03.0"));
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

START_TEST(test_names_via_pci_list)
{
	struct fixture *fx;
	struct analysis *a = run(VIA_PCI_LIST, &fx);
	const struct problem *p;

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(dev(a, 0x18)->driver, "e1000");
	ck_assert_int_eq(dev(a, 0x18)->name_source, DEV_NAME_PCI_LIST);
	ck_assert_uint_eq(dev(a, 0x18)->dev_data, 0);
	ck_assert_ptr_null(problem_about(a, "0000:00:03.0"));
	p = problem_about(a, "0000:00:04.0");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p->why, "it is not on the PCI bus list"));
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

START_TEST(test_names_pci_list_cycle)
{
	struct fixture *fx;
	struct analysis *a = run(PCI_LIST_CYCLE, &fx);

	ck_assert_ptr_nonnull(a);
	/* the device was still named before the walk gave up */
	ck_assert_int_eq(dev(a, 0x18)->name_source, DEV_NAME_PCI_LIST);
	ck_assert_ptr_nonnull(problem_about(a, "pci_root_buses"));
	ck_assert_int_eq(problem_about(a, "pci_root_buses")->kind, PROBLEM_LIMIT);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

/* A driver's struct the session cannot read: a named problem, the device
 * keeps its name, and the read is not counted as an excluded page. */
START_TEST(test_driver_unavailable)
{
	struct fixture *fx;
	struct analysis *a = run(DRIVER_UNAVAILABLE, &fx);
	const struct problem *p;

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(dev(a, 0x18)->name, "0000:00:03.0");
	ck_assert_str_eq(dev(a, 0x18)->driver, "");
	p = problem_about(a, "device 0000:00:03.0 driver (struct device_driver.name)");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->err, TARGET_E_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(p->why, "--minimal"));
	ck_assert_uint_eq(a->pb.excluded_reads, 0);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

Suite *analysis_device_names_suite(void)
{
	Suite *s = suite_create("analysis_device_names");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_names_via_pdev);
	tcase_add_test(tc, test_names_via_pci_list);
	tcase_add_test(tc, test_names_pci_list_cycle);
	tcase_add_test(tc, test_driver_unavailable);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

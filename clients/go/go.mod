module reemu.test/reemutest

go 1.19
